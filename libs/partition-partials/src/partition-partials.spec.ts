import { PartitionPartials, type CountedMessage, type Partials } from './partition-partials';

const SETTINGS = { bucketMs: 60_000, paneMs: 10_000 };
const T = Date.UTC(2024, 4, 1, 12);

const message = (
  offsetMs: number,
  country: string,
  response: 'yes' | 'no',
  guests: number,
  topics: string[] = [],
): CountedMessage => ({
  mtime: T + offsetMs,
  country,
  response,
  guests,
  attendees: response === 'yes' ? guests + 1 : 0,
  topics,
});

/** Partials as plain objects, to compare. */
const plain = (partials: Partials) => ({
  buckets: partials.buckets.map(({ start, counts }) => [start - T, Object.fromEntries(counts)]),
  panes: partials.panes.map(({ start, counts }) => [start - T, Object.fromEntries(counts)]),
});

describe('PartitionPartials', () => {
  it('sums responses, guests and attendees per bucket, country and response', () => {
    const partials = new PartitionPartials(SETTINGS);
    partials.add(message(1_000, 'gb', 'yes', 2));
    partials.add(message(59_999, 'gb', 'yes', 0));
    partials.add(message(30_000, 'gb', 'no', 1));
    partials.add(message(60_000, 'us', 'yes', 0));
    expect(plain(partials.open()).buckets).toEqual([
      [
        0,
        {
          'gb|yes': { responses: 2, guests: 2, attendees: 4 },
          'gb|no': { responses: 1, guests: 1, attendees: 0 },
        },
      ],
      [60_000, { 'us|yes': { responses: 1, guests: 0, attendees: 1 } }],
    ]);
  });

  it('counts each topic per pane in the world and in the message country', () => {
    const partials = new PartitionPartials(SETTINGS);
    partials.add(message(1_000, 'gb', 'yes', 0, ['run\tRunning', 'tech\tTech']));
    partials.add(message(9_999, 'de', 'no', 0, ['run\tRunning']));
    partials.add(message(10_000, 'gb', 'yes', 0, ['run\tRunning']));
    partials.add(message(12_000, 'gb', 'yes', 0));
    expect(plain(partials.open()).panes).toEqual([
      [
        0,
        {
          '\trun\tRunning': 2,
          'gb\trun\tRunning': 1,
          'de\trun\tRunning': 1,
          '\ttech\tTech': 1,
          'gb\ttech\tTech': 1,
        },
      ],
      [10_000, { '\trun\tRunning': 1, 'gb\trun\tRunning': 1 }],
    ]);
  });

  it('hands over once, and forgets, the buckets and panes that end at or before the mark', () => {
    const partials = new PartitionPartials(SETTINGS);
    partials.add(message(5_000, 'gb', 'yes', 0, ['run\tRunning']));
    partials.add(message(65_000, 'gb', 'yes', 0, ['run\tRunning']));
    const closed = partials.close(T + 60_000);
    expect(closed.buckets.map((b) => b.start - T)).toEqual([0]);
    expect(closed.panes.map((p) => p.start - T)).toEqual([0]);
    expect(partials.close(T + 60_000)).toEqual({ buckets: [], panes: [] });
    expect(plain(partials.open())).toEqual({
      buckets: [[60_000, { 'gb|yes': { responses: 1, guests: 0, attendees: 1 } }]],
      panes: [[60_000, { '\trun\tRunning': 1, 'gb\trun\tRunning': 1 }]],
    });
    // A pane ending exactly at the mark is closed; one ending after it stays open.
    expect(partials.close(T + 69_999).panes).toEqual([]);
    expect(partials.close(T + 70_000).panes.map((p) => p.start - T)).toEqual([60_000]);
  });

  it('reports the open buckets and panes changed since it was last asked', () => {
    const partials = new PartitionPartials(SETTINGS);
    partials.add(message(5_000, 'gb', 'yes', 0, ['run\tRunning']));
    partials.add(message(65_000, 'gb', 'yes', 0));
    expect(plain(partials.takeChanged())).toMatchObject({
      buckets: [
        [0, {}],
        [60_000, {}],
      ],
      panes: [[0, {}]],
    });
    expect(partials.takeChanged()).toEqual({ buckets: [], panes: [] });
    partials.add(message(66_000, 'us', 'no', 0, ['tech\tTech']));
    partials.close(T + 60_000);
    expect(plain(partials.takeChanged())).toEqual({
      buckets: [
        [
          60_000,
          {
            'gb|yes': { responses: 1, guests: 0, attendees: 1 },
            'us|no': { responses: 1, guests: 0, attendees: 0 },
          },
        ],
      ],
      panes: [[60_000, { '\ttech\tTech': 1, 'us\ttech\tTech': 1 }]],
    });
  });

  it('keeps the number and the event-time span of the messages in each bucket and pane', () => {
    const partials = new PartitionPartials(SETTINGS);
    partials.add(message(7_000, 'gb', 'yes', 0, ['run\tRunning']));
    partials.add(message(2_000, 'gb', 'no', 0));
    partials.add(message(4_000, 'us', 'yes', 0, ['tech\tTech']));
    const { buckets, panes } = partials.open();
    expect(buckets.map((b) => [b.messages, b.firstMtime - T, b.lastMtime - T])).toEqual([
      [3, 2_000, 7_000],
    ]);
    // The message without topics is in no pane.
    expect(panes.map((p) => [p.messages, p.firstMtime - T, p.lastMtime - T])).toEqual([
      [2, 4_000, 7_000],
    ]);
  });

  it('resumes from its text exactly as if it had never stopped', () => {
    const stream = Array.from({ length: 400 }, (_, i) =>
      message(i * 997, ['gb', 'us', 'de'][i % 3] ?? 'gb', i % 4 === 0 ? 'no' : 'yes', i % 3, [
        `t${i % 7}\tTopic ${i % 7}`,
      ]),
    );
    const straight = new PartitionPartials(SETTINGS);
    for (const m of stream) straight.add(m);

    const first = new PartitionPartials(SETTINGS);
    for (const m of stream.slice(0, 150)) first.add(m);
    const resumed = PartitionPartials.deserialize(first.serialize(), SETTINGS);
    expect(resumed.open()).toEqual(first.open());
    for (const m of stream.slice(150)) resumed.add(m);
    expect(plain(resumed.open())).toEqual(plain(straight.open()));
    expect(resumed.serialize()).toEqual(straight.serialize());
  });

  it('sums over partitions to the totals of all their messages', () => {
    const partitions = [0, 1, 2].map(() => new PartitionPartials(SETTINGS));
    const all = new PartitionPartials(SETTINGS);
    for (let i = 0; i < 300; i += 1) {
      const m = message(i * 1_301, i % 2 ? 'gb' : 'jp', i % 5 ? 'yes' : 'no', i % 4, [
        `t${i % 5}\tT${i % 5}`,
        `u${i % 3}\tU${i % 3}`,
      ]);
      partitions[i % 3]?.add(m);
      all.add(m);
    }
    const summed = new Map<string, number>();
    for (const partial of partitions) {
      for (const { start, counts } of partial.open().buckets)
        for (const [key, c] of counts)
          summed.set(`${start}|${key}`, (summed.get(`${start}|${key}`) ?? 0) + c.attendees);
      for (const { start, counts } of partial.open().panes)
        for (const [key, n] of counts)
          summed.set(`${start}:${key}`, (summed.get(`${start}:${key}`) ?? 0) + n);
    }
    const expected = new Map<string, number>();
    for (const { start, counts } of all.open().buckets)
      for (const [key, c] of counts) expected.set(`${start}|${key}`, c.attendees);
    for (const { start, counts } of all.open().panes)
      for (const [key, n] of counts) expected.set(`${start}:${key}`, n);
    expect(summed).toEqual(expected);
  });
});
