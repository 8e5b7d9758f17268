import type { PublishedMessage } from './message-source';
import { SyntheticSource, type SyntheticSourceOptions } from './synthetic-source';

const options: SyntheticSourceOptions = {
  rate: 100,
  seed: 3,
  count: undefined,
  firstRsvpId: 1_000,
  bursts: [],
  maxDisorderMs: 0,
};

function run(overrides: Partial<SyntheticSourceOptions>) {
  const published: PublishedMessage[] = [];
  let finished = 0;
  const source = new SyntheticSource({ ...options, ...overrides });
  source.start(
    (messages) => published.push(...messages),
    () => (finished += 1),
  );
  return { source, published, finished: () => finished };
}

describe('SyntheticSource', () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: Date.UTC(2024, 4, 3, 12) });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('publishes at the configured rate', () => {
    const { source, published } = run({});
    jest.advanceTimersByTime(1_000);
    expect(published).toHaveLength(100);
    jest.advanceTimersByTime(500);
    expect(published).toHaveLength(150);
    source.stop();
  });

  it('publishes RSVPs whose lines carry the ids and mtime it reports', () => {
    const { source, published } = run({});
    jest.advanceTimersByTime(100);
    source.stop();
    // New RSVPs are numbered from firstRsvpId; a resend repeats an earlier one.
    expect(published[0]?.rsvpId).toBe(1_000);
    expect(published.every((m) => (m.rsvpId ?? 0) >= 1_000)).toBe(true);
    for (const message of published) {
      const rsvp = JSON.parse(message.line.toString()) as {
        rsvp_id: number;
        mtime: number;
        event: { event_id: string };
      };
      expect(rsvp).toMatchObject({ rsvp_id: message.rsvpId, mtime: message.mtime });
      expect(rsvp.event.event_id).toBe(message.eventId);
    }
  });

  it('is the same stream for the same seed', () => {
    const lines = (seed: number) => {
      const { source, published } = run({ seed });
      jest.advanceTimersByTime(200);
      source.stop();
      return published.map((m) => m.line.toString());
    };
    const first = lines(3);
    jest.setSystemTime(Date.UTC(2024, 4, 3, 12));
    expect(lines(3)).toEqual(first);
  });

  it('stops after `count` RSVPs and says it finished, once', () => {
    const { published, finished } = run({ count: 25 });
    jest.advanceTimersByTime(5_000);
    expect(published).toHaveLength(25);
    expect(finished()).toBe(1);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('publishes nothing after stop', () => {
    const { source, published } = run({});
    jest.advanceTimersByTime(100);
    source.stop();
    const before = published.length;
    jest.advanceTimersByTime(1_000);
    expect(published).toHaveLength(before);
  });
});
