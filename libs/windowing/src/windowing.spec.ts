import { bucketStart, PaneSums, PartitionWatermark } from './index';

describe('event-time windows', () => {
  it('puts a time into the minute bucket that starts at or before it', () => {
    expect(bucketStart(125_000, 60_000)).toBe(120_000);
    expect(bucketStart(120_000, 60_000)).toBe(120_000);
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

describe('PaneSums over a running stream', () => {
  it('answers window sums for panes appended as they complete', () => {
    const sums = new PaneSums();
    sums.append(0, 1);
    sums.append(20_000, 3);
    expect(sums.sum(0, 30_000)).toBe(4);
    sums.append(30_000, 5);
    expect(sums.sum(10_000, 40_000)).toBe(8);
    expect(sums.last).toBe(30_000);
  });

  it('refuses a pane that is not after the newest one', () => {
    const sums = new PaneSums(new Map([[10_000, 1]]));
    expect(() => {
      sums.append(10_000, 2);
    }).toThrow(/appended after pane 10000/);
  });

  it('forgets dropped panes and keeps the sums of the others exact', () => {
    const sums = new PaneSums();
    for (let pane = 0; pane < 1_000; pane += 1) sums.append(pane * 10, pane);
    sums.dropBefore(5_000);
    expect(sums.sum(0, 5_010)).toBe(500);
    expect(sums.sum(5_000, 5_030)).toBe(500 + 501 + 502);
    expect(sums.paneStarts()[0]).toBe(5_000);
    sums.dropBefore(100_000);
    expect(sums.last).toBeUndefined();
    expect(sums.sum(0, 100_000)).toBe(0);
    sums.append(200_000, 7);
    expect(sums.sum(0, 300_000)).toBe(7);
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
