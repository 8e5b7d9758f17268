import { bucketStart, PaneSums, PartitionWatermark, windowEndsContaining } from './index';

describe('event-time windows', () => {
  it('puts a time into the minute bucket that starts at or before it', () => {
    expect(bucketStart(125_000, 60_000)).toBe(120_000);
    expect(bucketStart(120_000, 60_000)).toBe(120_000);
  });

  it('lists every sliding window that holds a time', () => {
    const ends = windowEndsContaining(25_000, { lengthMs: 60_000, slideMs: 10_000 });
    expect(ends).toEqual([30_000, 40_000, 50_000, 60_000, 70_000, 80_000]);
  });

  it('sums the panes of a window', () => {
    const sums = new PaneSums(
      new Map([
        [0, 1],
        [10_000, 2],
        [30_000, 4],
      ]),
    );
    expect(sums.sum(0, 30_000)).toBe(3);
    expect(sums.sum(10_000, 40_000)).toBe(6);
    expect(sums.sum(40_000, 90_000)).toBe(0);
  });
});

describe('PartitionWatermark', () => {
  it('calls a record late only beyond the allowed lateness', () => {
    const watermark = new PartitionWatermark(120_000);
    expect(watermark.isLate(0)).toBe(false);
    watermark.advance(1_000_000);
    expect(watermark.isLate(880_000)).toBe(false);
    expect(watermark.isLate(879_999)).toBe(true);
    watermark.advance(5);
    expect(watermark.value).toBe(1_000_000);
  });
});
