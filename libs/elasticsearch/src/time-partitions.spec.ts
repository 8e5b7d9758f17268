import { HOUR_MS, TimePartitionScheme } from './time-partitions';

const at = (iso: string) => Date.parse(iso);

describe('time partition names', () => {
  const hourly = new TimePartitionScheme('meetup_rsvp_activity');

  it('puts an event time in the partition of its UTC hour', () => {
    expect(hourly.partitionAt(at('2026-03-01T12:34:56.789Z'))).toEqual({
      index: 'meetup_rsvp_activity-p2026030112',
      startMs: at('2026-03-01T12:00:00Z'),
      endMs: at('2026-03-01T13:00:00Z'),
    });
  });

  it('starts a partition at its first millisecond and ends it before the next one', () => {
    expect(hourly.indexFor(at('2026-03-01T13:00:00.000Z'))).toBe(
      'meetup_rsvp_activity-p2026030113',
    );
    expect(hourly.indexFor(at('2026-03-01T12:59:59.999Z'))).toBe(
      'meetup_rsvp_activity-p2026030112',
    );
  });

  it('crosses days, months and years in UTC', () => {
    expect(hourly.indexFor(at('2025-12-31T23:59:59.999Z'))).toBe(
      'meetup_rsvp_activity-p2025123123',
    );
    expect(hourly.indexFor(at('2026-01-01T00:00:00.000Z'))).toBe(
      'meetup_rsvp_activity-p2026010100',
    );
  });

  it('searches every partition of the family with one wildcard', () => {
    expect(hourly.readPattern).toBe('meetup_rsvp_activity-p*');
  });

  it('is one hour by default', () => {
    expect(hourly.sizeMs).toBe(HOUR_MS);
  });

  it.each([
    ['one day', 24 * HOUR_MS, 'p2026030100', '2026-03-01T00:00:00Z'],
    ['six hours', 6 * HOUR_MS, 'p2026030112', '2026-03-01T12:00:00Z'],
    ['15 minutes', 15 * 60_000, 'p202603011230', '2026-03-01T12:30:00Z'],
    ['90 seconds', 90_000, 'p20260301123430', '2026-03-01T12:34:30Z'],
    ['250 ms', 250, 'p20260301123456750', '2026-03-01T12:34:56.750Z'],
  ])(
    'names %s partitions by their UTC start, to the precision they need',
    (_, size, suffix, start) => {
      const scheme = new TimePartitionScheme('family', size);
      expect(scheme.partitionAt(at('2026-03-01T12:34:56.789Z'))).toEqual({
        index: `family-${suffix}`,
        startMs: at(start),
        endMs: at(start) + size,
      });
    },
  );

  it.each([
    ['7 hours', 7 * HOUR_MS],
    ['two days', 48 * HOUR_MS],
    ['zero', 0],
    ['a negative size', -HOUR_MS],
    ['a fraction of a millisecond', 0.5],
  ])('refuses %s, which does not divide a day', (_, size) => {
    expect(() => new TimePartitionScheme('family', size)).toThrow(RangeError);
  });

  it('refuses event times before 1970 or not a number', () => {
    expect(() => hourly.indexFor(-1)).toThrow(RangeError);
    expect(() => hourly.indexFor(Number.NaN)).toThrow(RangeError);
  });

  it('lets event times after the year 9999 share its last partition', () => {
    expect(hourly.indexFor(Date.UTC(12345, 5, 1, 7))).toBe('meetup_rsvp_activity-p9999123123');
    expect(hourly.indexFor(Number.MAX_SAFE_INTEGER)).toBe('meetup_rsvp_activity-p9999123123');
  });
});

describe('reading a partition name back', () => {
  const hourly = new TimePartitionScheme('meetup_rsvp_activity');

  it('gives the time range a name stands for', () => {
    expect(hourly.partitionNamed('meetup_rsvp_activity-p2026030112')).toEqual({
      index: 'meetup_rsvp_activity-p2026030112',
      startMs: at('2026-03-01T12:00:00Z'),
      endMs: at('2026-03-01T13:00:00Z'),
    });
  });

  it('round-trips every partition name it gives', () => {
    const scheme = new TimePartitionScheme('family', 10 * 60_000);
    for (let t = at('2026-02-28T22:00:00Z'); t < at('2026-03-01T02:00:00Z'); t += 7 * 60_000) {
      const partition = scheme.partitionAt(t);
      expect(scheme.partitionNamed(partition.index)).toEqual(partition);
    }
  });

  it.each([
    ['another family', 'meetup_rsvp_activity2-p2026030112'],
    ['a family whose name starts the same', 'meetup_rsvp_activity_x-p2026030112'],
    ['a versioned index of the alias', 'meetup_rsvp_activity-v1'],
    ['a suffix after the time', 'meetup_rsvp_activity-p2026030112-restored'],
    ['a name with minutes (another size)', 'meetup_rsvp_activity-p202603011200'],
    ['a month that does not exist', 'meetup_rsvp_activity-p2026130112'],
    ['a day that does not exist', 'meetup_rsvp_activity-p2026023012'],
    ['an hour that does not exist', 'meetup_rsvp_activity-p2026030124'],
    ['a two-digit year', 'meetup_rsvp_activity-p0050030112'],
    ['no digits', 'meetup_rsvp_activity-p'],
  ])('does not take %s for a partition', (_, name) => {
    expect(hourly.partitionNamed(name)).toBeUndefined();
  });

  it('does not take a start off the partition grid for a partition', () => {
    const sixHours = new TimePartitionScheme('family', 6 * HOUR_MS);
    expect(sixHours.partitionNamed('family-p2026030112')).toBeDefined();
    expect(sixHours.partitionNamed('family-p2026030113')).toBeUndefined();
  });
});
