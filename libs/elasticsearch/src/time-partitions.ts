export const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Names have four-digit years: later event times share the last partition of 9999. */
const LAST_TIME_MS = Date.UTC(10_000, 0, 1) - 1;
/** The UTC fields after the (four-digit) year in a partition name: MM dd HH mm ss SSS. */
const FIELDS: readonly { width: number; of: (d: Date) => number }[] = [
  { width: 2, of: (d) => d.getUTCMonth() + 1 },
  { width: 2, of: (d) => d.getUTCDate() },
  { width: 2, of: (d) => d.getUTCHours() },
  { width: 2, of: (d) => d.getUTCMinutes() },
  { width: 2, of: (d) => d.getUTCSeconds() },
  { width: 3, of: (d) => d.getUTCMilliseconds() },
];

/** One index of a time-partitioned family and the event time it holds: [startMs, endMs). */
export interface TimePartition {
  index: string;
  startMs: number;
  endMs: number;
}

/**
 * Names of a family of indices, one per `sizeMs` of event time:
 * `<family>-p<UTC start>`, e.g. `meetup_rsvp_activity-p2026030112` for the
 * hour from 12:00 UTC on 1 March 2026. The start has the precision the size
 * needs (hours, minutes, seconds or milliseconds), so names sort by time and
 * read as dates. The size divides a day, so partitions align to UTC midnight.
 * The `p` keeps names apart from the `<alias>-v<version>` of versioned indices.
 */
export class TimePartitionScheme {
  /** Every partition of the family, for searches and refreshes. */
  readonly readPattern: string;
  /** How many UTC fields a name carries: 4 (year to hour) up to 7 (to the millisecond). */
  private readonly fields: number;

  constructor(
    readonly family: string,
    readonly sizeMs: number = HOUR_MS,
  ) {
    if (!Number.isSafeInteger(sizeMs) || sizeMs <= 0 || DAY_MS % sizeMs !== 0) {
      throw new RangeError(
        `partition size ${sizeMs} ms must be a whole number of milliseconds that divides a day`,
      );
    }
    this.fields = [HOUR_MS, 60_000, 1_000, 1].findIndex((unit) => sizeMs % unit === 0) + 4;
    this.readPattern = `${family}-p*`;
  }

  /** The partition holding an event time (epoch ms, not before 1970). */
  partitionAt(timeMs: number): TimePartition {
    if (!(timeMs >= 0)) throw new RangeError(`event time ${timeMs} is not a time since 1970`);
    const time = Math.min(Math.floor(timeMs), LAST_TIME_MS);
    const startMs = time - (time % this.sizeMs);
    return {
      index: `${this.family}-p${utcDigits(startMs, this.fields)}`,
      startMs,
      endMs: startMs + this.sizeMs,
    };
  }

  indexFor(timeMs: number): string {
    return this.partitionAt(timeMs).index;
  }

  /** The time range of a partition's name; undefined for a name this scheme would not give. */
  partitionNamed(index: string): TimePartition | undefined {
    const head = `${this.family}-p`;
    if (!index.startsWith(head)) return undefined;
    const startMs = parseUtcDigits(index.slice(head.length), this.fields);
    if (startMs === undefined || !(startMs >= 0) || startMs % this.sizeMs !== 0) return undefined;
    const partition = this.partitionAt(startMs);
    // Only the canonical name: no other size's precision, no overflowing month or day.
    return partition.index === index ? partition : undefined;
  }
}

function utcDigits(timeMs: number, fields: number): string {
  const d = new Date(timeMs);
  const rest = FIELDS.slice(0, fields - 1).map((f) => String(f.of(d)).padStart(f.width, '0'));
  return String(d.getUTCFullYear()) + rest.join('');
}

function parseUtcDigits(digits: string, fields: number): number | undefined {
  const rest = FIELDS.slice(0, fields - 1);
  const length = rest.reduce((sum, f) => sum + f.width, 4);
  if (digits.length !== length || !/^\d+$/.test(digits)) return undefined;
  const values = [Number(digits.slice(0, 4))];
  let at = 4;
  for (const { width } of rest) {
    values.push(Number(digits.slice(at, at + width)));
    at += width;
  }
  const [year = 0, month = 1, day = 1, hours = 0, minutes = 0, seconds = 0, ms = 0] = values;
  return Date.UTC(year, month - 1, day, hours, minutes, seconds, ms);
}
