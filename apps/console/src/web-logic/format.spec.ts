import {
  formatAgo,
  formatClock,
  formatCount,
  formatDateTime,
  formatDecimal,
  formatHourMinute,
  formatRate,
} from './format';

describe('how the console page writes figures', () => {
  it('groups thousands in counts', () => {
    expect(formatCount(0)).toBe('0');
    expect(formatCount(1234567)).toBe('1,234,567');
  });

  it('writes rates per second with one decimal and a dash while unknown', () => {
    expect(formatRate(2.345)).toBe('2.3/s');
    expect(formatRate(0)).toBe('0.0/s');
    expect(formatRate(undefined)).toBe('—');
    expect(formatRate(Number.NaN)).toBe('—');
  });

  it('writes a ratio without a baseline as infinity', () => {
    expect(formatDecimal(3.14159)).toBe('3.1');
    expect(formatDecimal(Number.POSITIVE_INFINITY)).toBe('∞');
    // JSON turns an infinite ratio into null on the wire.
    expect(formatDecimal(null)).toBe('∞');
  });

  it('writes clock times and dates in 24-hour form', () => {
    const t = Date.UTC(2016, 2, 2, 14, 3, 12);
    expect(formatClock(t, 'UTC')).toBe('14:03:12');
    expect(formatHourMinute(t, 'UTC')).toBe('14:03');
    expect(formatHourMinute(Date.UTC(2016, 2, 2, 0, 5), 'UTC')).toBe('00:05');
    expect(formatDateTime(t, 'UTC')).toBe('2 Mar, 14:03');
  });

  it('says how long ago coarsely, never in the future', () => {
    const now = Date.UTC(2016, 2, 2, 12);
    expect(formatAgo(now + 5000, now)).toBe('just now');
    expect(formatAgo(now - 42_000, now)).toBe('42 s ago');
    expect(formatAgo(now - 5 * 60_000 - 59_000, now)).toBe('5 min ago');
    expect(formatAgo(now - 3 * 3_600_000, now)).toBe('3 h ago');
    expect(formatAgo(now - 3 * 86_400_000, now)).toBe('3 d ago');
  });
});
