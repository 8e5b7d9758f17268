import { SeededRandom } from '@meetup/rsvp-synthetic';

/**
 * The faults of a torture run. Each one starts at `atMs` (from the start of the stream) and is
 * undone `forMs` later: a killed process or engine node is restarted, a stalled one continued,
 * a slowed Elasticsearch made fast again, an added aggregator replica removed. An added
 * ingestor stays (a redundant reader of the same stream to the end).
 */
export const FaultKinds = {
  'kill-ingestor': 'SIGKILL an ingestor, restart it',
  'kill-aggregator': 'SIGKILL an aggregator replica, restart it',
  'kill-alerting': 'SIGKILL the alerting service, restart it',
  'stall-aggregator': 'SIGSTOP an aggregator replica, SIGCONT it',
  'kill-broker': 'SIGKILL a Kafka broker, restart it',
  'kill-es-node': 'SIGKILL the data-only Elasticsearch node, restart it',
  'slow-elasticsearch': 'hold every bulk request 10-30 s at the proxy, then stop',
  'add-ingestor': 'start a redundant ingestor on the same stream (kept)',
  'add-aggregator': 'start one more aggregator replica, stop it (SIGTERM)',
} as const;
export type FaultKind = keyof typeof FaultKinds;

export interface ScheduledFault {
  kind: FaultKind;
  atMs: number;
  forMs: number;
  /** Which broker, node or replica; the runner reads it modulo what is running then. */
  target: number;
}

export interface TortureForm {
  name: string;
  /** How long the source streams; faults fall within it. */
  durationMs: number;
  faults: readonly FaultKind[];
}

/** A few faults in about two minutes: the form `make test` runs (durations cut to fit). */
export const SHORT_FAULTS: readonly FaultKind[] = [
  'kill-aggregator',
  'kill-broker',
  'add-ingestor',
  'slow-elasticsearch',
  'stall-aggregator',
  'kill-ingestor',
  'add-aggregator',
  'kill-alerting',
];

/**
 * Every kind, as many rounds as the stream has room for at full durations (a round needs about
 * 4 minutes of the stream's middle, so one round per 6 minutes of stream), and one redundant
 * ingestor: more would only multiply the duplicates.
 */
export function longFaults(durationMs: number): FaultKind[] {
  const repeated = (Object.keys(FaultKinds) as FaultKind[]).filter((k) => k !== 'add-ingestor');
  const round = repeated.reduce((sum, kind) => sum + slotWeight(kind), 0);
  const rounds = Math.max(1, Math.floor((durationMs * (1 - QUIET_START - QUIET_END)) / round));
  return ['add-ingestor', ...Array.from({ length: rounds }, () => repeated).flat()];
}

/** How long each kind lasts before it is undone, in ms [min, max]. */
const DURATIONS: Record<FaultKind, readonly [number, number]> = {
  'kill-ingestor': [1_000, 6_000],
  'kill-aggregator': [1_000, 6_000],
  'kill-alerting': [1_000, 6_000],
  'stall-aggregator': [5_000, 15_000],
  'kill-broker': [10_000, 20_000],
  'kill-es-node': [5_000, 15_000],
  'slow-elasticsearch': [20_000, 60_000],
  'add-ingestor': [0, 0],
  'add-aggregator': [15_000, 40_000],
};

/** The share of the stream before the first fault and after the last one starts. */
const QUIET_START = 0.1;
const QUIET_END = 0.2;

/** The room a kind needs: its longest duration and time for what it disturbed to settle. */
function slotWeight(kind: FaultKind): number {
  return DURATIONS[kind][1] + 8_000;
}

/**
 * The faults of a form in seeded order and times. The middle of the stream is cut into one slot
 * per fault, sized by what the kind needs; each fault starts early in its slot and is undone
 * within it, so faults follow each other and the end of the stream is calm. When the stream is
 * too short for full durations, every slot shrinks alike and durations are cut to fit.
 * Same seed and form, same schedule.
 */
export function planFaults(seed: number, form: TortureForm): ScheduledFault[] {
  if (form.faults.length === 0) return [];
  const random = new SeededRandom(seed);
  const kinds = [...form.faults];
  for (let i = kinds.length - 1; i > 0; i -= 1) {
    const j = random.int(i + 1);
    const kind = kinds[i];
    const other = kinds[j];
    if (kind === undefined || other === undefined) continue;
    kinds[i] = other;
    kinds[j] = kind;
  }
  const usable = form.durationMs * (1 - QUIET_START - QUIET_END);
  const total = kinds.reduce((sum, kind) => sum + slotWeight(kind), 0);
  let slotStart = form.durationMs * QUIET_START;
  return kinds.map((kind) => {
    const slot = (usable * slotWeight(kind)) / total;
    const [min, max] = DURATIONS[kind];
    const jitter = random.next() * Math.max(0, slot - max - 1_000, slot / 10);
    const room = Math.max(0, slot - jitter - 1_000);
    const fault = {
      kind,
      atMs: Math.round(slotStart + jitter),
      forMs: Math.round(Math.min(room, min + random.next() * (max - min))),
      target: random.int(1_000),
    };
    slotStart += slot;
    return fault;
  });
}

/** The schedule as printed at the start of a run (so a failure can be replayed exactly). */
export function describeFaults(seed: number, form: TortureForm, faults: readonly ScheduledFault[]) {
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  return [
    `torture form ${form.name}, seed ${seed}, stream ${seconds(form.durationMs)}, ${faults.length} faults:`,
    ...faults.map(
      (f) =>
        `  +${seconds(f.atMs).padStart(8)}  ${f.kind.padEnd(18)} target ${String(f.target).padStart(3)}` +
        `  for ${seconds(f.forMs)}  (${FaultKinds[f.kind]})`,
    ),
  ].join('\n');
}
