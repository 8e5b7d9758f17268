import { parseArgs } from 'node:util';

export type BatchMode = 'incremental' | 'full' | 'range';

export type BatchRunPlan =
  | { mode: 'incremental' }
  | { mode: 'full' }
  | { mode: 'range'; from: string; to: string; fromMs: number; toMs: number };

/** A command line the batch cannot run; the message says what to type instead. */
export class BatchArgsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BatchArgsError';
  }
}

const USAGE = 'usage: batch [--mode incremental|full|range] [--from YYYY-MM-DD --to YYYY-MM-DD]';
const DAY_MS = 86_400_000;

function utcDay(value: string | undefined, option: string): number {
  if (value === undefined) throw new BatchArgsError(`--mode range needs --${option}; ${USAGE}`);
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(value) ? Date.parse(`${value}T00:00:00Z`) : NaN;
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== value) {
    throw new BatchArgsError(`--${option} must be a date YYYY-MM-DD, got "${value}"`);
  }
  return ms;
}

/** The run the command line asks for; `--to` is inclusive (whole UTC days). */
export function parseBatchArgs(argv: readonly string[]): BatchRunPlan {
  let values: { mode?: string; from?: string; to?: string };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { mode: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new BatchArgsError(`${error instanceof Error ? error.message : String(error)}; ${USAGE}`);
  }
  const mode = values.mode ?? 'incremental';
  if (mode !== 'range' && (values.from !== undefined || values.to !== undefined)) {
    throw new BatchArgsError(`--from and --to only apply to --mode range; ${USAGE}`);
  }
  switch (mode) {
    case 'incremental':
    case 'full':
      return { mode };
    case 'range': {
      const fromMs = utcDay(values.from, 'from');
      const toMs = utcDay(values.to, 'to') + DAY_MS;
      if (toMs <= fromMs) throw new BatchArgsError('--from must not be after --to');
      return { mode, from: values.from ?? '', to: values.to ?? '', fromMs, toMs };
    }
    default:
      throw new BatchArgsError(`unknown --mode "${mode}"; ${USAGE}`);
  }
}
