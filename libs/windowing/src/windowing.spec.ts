import { bucketStart, PartitionWatermark } from './index';

describe('event-time windows', () => {
  it('puts a time into the minute bucket that starts at or before it', () => {
    expect(bucketStart(125_000, 60_000)).toBe(120_000);
    expect(bucketStart(120_000, 60_000)).toBe(120_000);
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

  it('closes what ends at or before the watermark minus the lateness, since later records that old are late', () => {
    const watermark = new PartitionWatermark(120_000);
    expect(watermark.closedBefore).toBe(Number.NEGATIVE_INFINITY);
    watermark.advance(1_000_000);
    expect(watermark.closedBefore).toBe(880_000);
    expect(watermark.isLate(watermark.closedBefore)).toBe(false);
    expect(watermark.isLate(watermark.closedBefore - 1)).toBe(true);
  });
});
