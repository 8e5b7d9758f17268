import { globalWatermark, positionOf, type PartitionOffsets } from './stream-position';

const NONE = Number.NEGATIVE_INFINITY;

function offsets(...highs: number[]): PartitionOffsets[] {
  return highs.map((high, partition) => ({ partition, low: '0', high: String(high) }));
}

function snapshots(
  ...entries: [partition: number, offset: number, watermark: number | null][]
): Map<number, { offset: number; watermark: number | null }> {
  return new Map(
    entries.map(([partition, offset, watermark]) => [partition, { offset, watermark }]),
  );
}

describe('globalWatermark', () => {
  it('is the least watermark over the partitions', () => {
    const progress = snapshots([0, 10, 5_000], [1, 20, 3_000], [2, 30, 9_000]);
    expect(globalWatermark(offsets(10, 20, 30), progress)).toBe(3_000);
  });

  it('is held back by the one partition that is behind', () => {
    const progress = snapshots([0, 10, 9_000], [1, 20, 1_000]);
    expect(globalWatermark(offsets(10, 20), progress)).toBe(1_000);
  });

  it('is unknown (−∞) with no partitions', () => {
    expect(globalWatermark([], new Map())).toBe(NONE);
  });

  it('is unknown (−∞) while every partition is empty', () => {
    expect(globalWatermark(offsets(0, 0), new Map())).toBe(NONE);
  });

  it('is not held back by a partition that never held a record', () => {
    const progress = snapshots([0, 10, 5_000]);
    expect(globalWatermark(offsets(10, 0, 0), progress)).toBe(5_000);
  });

  it('is unknown (−∞) while a partition with records has no snapshot yet', () => {
    const progress = snapshots([0, 10, 5_000]);
    expect(globalWatermark(offsets(10, 7), progress)).toBe(NONE);
  });

  it('is unknown (−∞) while a partition with records has seen no valid one (null watermark)', () => {
    const progress = snapshots([0, 10, 5_000], [1, 3, null]);
    expect(globalWatermark(offsets(10, 3), progress)).toBe(NONE);
  });

  it('counts a partition whose records were all deleted by retention (low = high) once it has a snapshot', () => {
    const partitions = [
      { partition: 0, low: '10', high: '10' },
      { partition: 1, low: '0', high: '20' },
    ];
    expect(globalWatermark(partitions, snapshots([0, 10, 2_000], [1, 20, 8_000]))).toBe(2_000);
  });
});

describe('positionOf', () => {
  it('gives each partition its snapshot offset (0 without one) and the newest watermark', () => {
    const position = positionOf(offsets(10, 20, 5), snapshots([0, 10, 5_000], [1, 18, 7_000]), 0);
    expect(position.offsets).toEqual({ 0: 10, 1: 18, 2: 0 });
    expect(position.newest).toBe(7_000);
    expect(position.watermark).toBe(NONE);
  });

  it('closes buckets and windows the allowed lateness before the global watermark', () => {
    const position = positionOf(offsets(10, 20), snapshots([0, 10, 5_000], [1, 20, 8_000]), 1_500);
    expect(position).toMatchObject({ watermark: 5_000, newest: 8_000, closedBefore: 3_500 });
  });

  it('closes nothing while the global watermark is unknown', () => {
    const position = positionOf(offsets(10), new Map(), 1_500);
    expect(position).toEqual({
      watermark: NONE,
      newest: NONE,
      offsets: { 0: 0 },
      closedBefore: NONE,
    });
  });
});
