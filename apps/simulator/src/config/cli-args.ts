import { ConfigError, type EnvSource } from '@meetup/config';

/** Command-line flags and the environment variables they set (flags win). */
const FLAGS: Record<string, string> = {
  '--replay': 'REPLAY_FILES',
  '--speed': 'REPLAY_SPEED',
  '--rate': 'SYNTHETIC_RATE',
  '--seed': 'SYNTHETIC_SEED',
  '--count': 'SYNTHETIC_COUNT',
  '--first-rsvp-id': 'SYNTHETIC_FIRST_RSVP_ID',
  '--bursts': 'SYNTHETIC_BURSTS',
  '--max-disorder-ms': 'SYNTHETIC_MAX_DISORDER_MS',
  '--port': 'STREAM_PORT',
  '--http-port': 'HTTP_PORT',
  '--buffer-size': 'REPLAY_BUFFER_SIZE',
  '--wait-for-clients': 'WAIT_FOR_CLIENTS',
  '--manifest': 'MANIFEST_FILE',
  '--malformed-ratio': 'FAULT_MALFORMED_RATIO',
  '--drop-every': 'FAULT_DROP_EVERY',
  '--stall-every': 'FAULT_STALL_EVERY',
  '--stall-ms': 'FAULT_STALL_MS',
};

/**
 * The environment with the CLI's flags applied, so that flags and variables
 * go through the same validation: `--replay a.ndjson --speed 20`,
 * `--synthetic --rate 2000 --seed 7`, `--loop`.
 */
export function withCliArgs(source: EnvSource, args: readonly string[]): EnvSource {
  const result: Record<string, string | undefined> = { ...source };
  const replayFiles: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] ?? '';
    if (arg === '--synthetic') result.SOURCE = 'synthetic';
    else if (arg === '--loop') result.REPLAY_LOOP = 'true';
    else if (FLAGS[arg] !== undefined) {
      const value = args[i + 1];
      if (value === undefined) throw new ConfigError([{ variable: arg, message: 'needs a value' }]);
      if (arg === '--replay') {
        replayFiles.push(value);
        result.SOURCE = 'replay';
        result.REPLAY_FILES = replayFiles.join(',');
      } else {
        result[FLAGS[arg]] = value;
      }
      i += 1;
    } else {
      throw new ConfigError([{ variable: arg, message: 'is not a known flag' }]);
    }
  }
  return result;
}
