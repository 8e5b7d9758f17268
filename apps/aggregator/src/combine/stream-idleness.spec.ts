import { StreamIdleness, type PartitionEnds, type PartitionMark } from './stream-idleness';

const SECOND = 1_000;
const IDLE = 30 * SECOND;
const CLOSE_ALL = 7 * 60 * SECOND;

/** Two partitions: their ends and where their snapshots stand. */
function stream(
  ends: [number, number],
  snapshots: [PartitionMark | undefined, PartitionMark | undefined],
) {
  const partitionEnds: PartitionEnds[] = ends.map((high, partition) => ({
    partition,
    low: 0,
    high,
  }));
  const marks = new Map<number, PartitionMark>();
  snapshots.forEach((mark, partition) => {
    if (mark) marks.set(partition, mark);
  });
  return [partitionEnds, marks] as const;
}

describe('StreamIdleness', () => {
  const T0 = 1_000_000;
  const newest = 5_000_000;

  function quietAt(idleness: StreamIdleness, now: number) {
    return idleness.observe(
      ...stream(
        [10, 20],
        [
          { offset: 10, watermark: newest - 3 * SECOND },
          { offset: 20, watermark: newest },
        ],
      ),
      now,
    );
  }

  it('runs the event time on from the newest record with the clock once quiet for the idle time', () => {
    const idleness = new StreamIdleness({ idleMs: IDLE, closeAllMs: CLOSE_ALL });
    expect(quietAt(idleness, T0)).toBeUndefined(); // first look: the ends are new
    expect(quietAt(idleness, T0 + SECOND)).toBeUndefined(); // quiet from here on
    expect(quietAt(idleness, T0 + SECOND + IDLE - 1)).toBeUndefined();
    expect(quietAt(idleness, T0 + SECOND + IDLE)).toBe(newest + IDLE);
    expect(quietAt(idleness, T0 + SECOND + IDLE + 10 * SECOND)).toBe(newest + IDLE + 10 * SECOND);
  });

  it('stops once every bucket and window holding a record can be closed', () => {
    const idleness = new StreamIdleness({ idleMs: IDLE, closeAllMs: CLOSE_ALL });
    quietAt(idleness, T0);
    quietAt(idleness, T0 + SECOND);
    expect(quietAt(idleness, T0 + SECOND + 60 * 60 * SECOND)).toBe(newest + CLOSE_ALL);
    expect(quietAt(idleness, T0 + SECOND + 61 * 60 * SECOND)).toBeUndefined();
  });

  it('is not quiet while a snapshot is behind its partition, and starts over when records arrive', () => {
    const idleness = new StreamIdleness({ idleMs: IDLE, closeAllMs: CLOSE_ALL });
    const behind = stream(
      [10, 20],
      [
        { offset: 10, watermark: newest },
        { offset: 19, watermark: newest },
      ],
    );
    idleness.observe(...behind, T0);
    expect(idleness.observe(...behind, T0 + 2 * IDLE)).toBeUndefined();
    quietAt(idleness, T0 + 2 * IDLE); // caught up: quiet from here
    expect(quietAt(idleness, T0 + 3 * IDLE)).toBe(newest + IDLE);
    // A record arrives (the end moves): the clock starts over, from the new newest.
    const later = stream(
      [11, 20],
      [
        { offset: 11, watermark: newest + 50 * SECOND },
        { offset: 20, watermark: newest },
      ],
    );
    expect(idleness.observe(...later, T0 + 3 * IDLE + SECOND)).toBeUndefined();
    expect(idleness.observe(...later, T0 + 3 * IDLE + 2 * SECOND)).toBeUndefined();
    expect(idleness.observe(...later, T0 + 4 * IDLE + 2 * SECOND)).toBe(
      newest + 50 * SECOND + IDLE,
    );
  });

  it('does not take its own markers for records, before or after the owners applied them', () => {
    const idleness = new StreamIdleness({ idleMs: IDLE, closeAllMs: CLOSE_ALL });
    quietAt(idleness, T0);
    quietAt(idleness, T0 + SECOND);
    expect(quietAt(idleness, T0 + SECOND + IDLE)).toBe(newest + IDLE);
    idleness.written([
      { partition: 0, offset: 10 },
      { partition: 1, offset: 20 },
    ]);
    // The markers are in the topic, not applied yet: still quiet, the clock runs on.
    const pending = stream(
      [11, 21],
      [
        { offset: 10, watermark: newest - 3 * SECOND },
        { offset: 20, watermark: newest },
      ],
    );
    expect(idleness.observe(...pending, T0 + SECOND + IDLE + 10 * SECOND)).toBe(
      newest + IDLE + 10 * SECOND,
    );
    // Applied: the watermarks moved, and still nothing new arrived.
    const applied = stream(
      [11, 21],
      [
        { offset: 11, watermark: newest + IDLE },
        { offset: 21, watermark: newest + IDLE },
      ],
    );
    expect(idleness.observe(...applied, T0 + SECOND + IDLE + 20 * SECOND)).toBe(
      newest + IDLE + 20 * SECOND,
    );
  });

  it('lets a later leader go on from the advanced watermarks, never ahead of the clock', () => {
    const first = new StreamIdleness({ idleMs: IDLE, closeAllMs: CLOSE_ALL });
    quietAt(first, T0);
    quietAt(first, T0 + SECOND);
    const advanced = first.observe(
      ...stream(
        [10, 20],
        [
          { offset: 10, watermark: newest - 3 * SECOND },
          { offset: 20, watermark: newest },
        ],
      ),
      T0 + SECOND + CLOSE_ALL,
    );
    expect(advanced).toBe(newest + CLOSE_ALL);
    // The leader changes once the markers were applied (the ends moved by them, for the new one).
    const next = new StreamIdleness({ idleMs: IDLE, closeAllMs: CLOSE_ALL });
    const applied = stream(
      [11, 21],
      [
        { offset: 11, watermark: newest + CLOSE_ALL },
        { offset: 21, watermark: newest + CLOSE_ALL },
      ],
    );
    const start = T0 + SECOND + CLOSE_ALL + 5 * SECOND;
    next.observe(...applied, start);
    next.observe(...applied, start + SECOND);
    expect(next.observe(...applied, start + SECOND + IDLE)).toBe(newest + CLOSE_ALL + IDLE);
  });

  it('advances partitions that never held a record too, and waits while no record has a time', () => {
    const idleness = new StreamIdleness({ idleMs: IDLE, closeAllMs: CLOSE_ALL });
    const oneEmpty = stream([0, 20], [undefined, { offset: 20, watermark: newest }]);
    idleness.observe(...oneEmpty, T0);
    idleness.observe(...oneEmpty, T0 + SECOND);
    expect(idleness.observe(...oneEmpty, T0 + SECOND + IDLE)).toBe(newest + IDLE);

    const empty = new StreamIdleness({ idleMs: IDLE, closeAllMs: CLOSE_ALL });
    const nothing = stream([0, 0], [undefined, undefined]);
    for (const now of [T0, T0 + SECOND, T0 + 10 * IDLE])
      expect(empty.observe(...nothing, now)).toBeUndefined();
  });
});
