import {
  nextStamp,
  noProgress,
  progressIdOf,
  StageProgressStore,
  type ProgressDocument,
  type StageProgress,
} from './stage-progress';

describe('nextStamp', () => {
  it('is the clock when the clock is ahead of every earlier stamp', () => {
    expect(nextStamp(10_000, 9_000, 8_000)).toBe(10_000);
  });

  it('still goes up when the clock stands still between two cycles', () => {
    const first = nextStamp(10_000, 0, 0);
    const second = nextStamp(10_000, first, first);
    expect(second).toBe(first + 1);
  });

  it('still goes up when the clock steps back', () => {
    expect(nextStamp(5_000, 10_000, 0)).toBe(10_001);
  });

  it("passes the stored stamp of a former leader whose clock ran ahead, so the new leader's write wins", () => {
    expect(nextStamp(10_000, 0, 60_000)).toBe(60_001);
  });
});

describe('progressIdOf', () => {
  it("keeps each stage's progress apart, and apart from the partition snapshots", () => {
    expect(progressIdOf('meetup-aggregator', 'meetup.rsvps', 'country')).toBe(
      'meetup-aggregator|meetup.rsvps|combine-country',
    );
    expect(progressIdOf('meetup-aggregator', 'meetup.rsvps', 'trending')).not.toBe(
      progressIdOf('meetup-aggregator', 'meetup.rsvps', 'country'),
    );
  });
});

describe('noProgress', () => {
  it('marks nothing final and no snapshot offset included, with a stamp any cycle passes', () => {
    const progress = noProgress('trending');
    expect(progress).toEqual({
      kind: 'combine',
      stage: 'trending',
      final_before: 0,
      offsets: {},
      stamp: 0,
      updated_at: '1970-01-01T00:00:00.000Z',
    });
    expect(nextStamp(0, 0, progress.stamp)).toBeGreaterThan(progress.stamp);
    expect(progress.history_start).toBeUndefined();
  });
});

/** The progress document kept in memory, refusing an older stamp as the external version does. */
class MemoryProgressDocument implements ProgressDocument {
  stored: StageProgress | undefined;
  reads = 0;

  read(): Promise<StageProgress | undefined> {
    this.reads += 1;
    return Promise.resolve(this.stored);
  }

  write(progress: StageProgress): Promise<void> {
    if (!this.stored || progress.stamp > this.stored.stamp) this.stored = progress;
    return Promise.resolve();
  }
}

const progressAt = (finalBefore: number, stamp: number): StageProgress => ({
  ...noProgress('country'),
  final_before: finalBefore,
  stamp,
});

describe('StageProgressStore', () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('begins a stage that never saved progress from nothing, stamped with the clock', async () => {
    const store = new StageProgressStore(new MemoryProgressDocument(), 'country');
    expect(store.finalBefore).toBeUndefined();
    const { progress, stamp } = await store.begin();
    expect(progress).toEqual(noProgress('country'));
    expect(stamp).toBe(1_000_000);
    expect(store.finalBefore).toBe(0);
  });

  it('reads the stored progress once per leadership, and again after forget', async () => {
    const document = new MemoryProgressDocument();
    document.stored = progressAt(60_000, 900_000);
    const store = new StageProgressStore(document, 'country');
    expect((await store.begin()).progress.final_before).toBe(60_000);
    await store.begin();
    expect(document.reads).toBe(1);
    store.forget();
    expect(store.finalBefore).toBeUndefined();
    await store.begin();
    expect(document.reads).toBe(2);
  });

  it('stamps a cycle above the stored stamp of a former leader whose clock ran ahead, so its save is kept', async () => {
    const document = new MemoryProgressDocument();
    document.stored = progressAt(60_000, 5_000_000);
    const store = new StageProgressStore(document, 'country');
    const { stamp } = await store.begin();
    expect(stamp).toBe(5_000_001);
    await store.save(progressAt(120_000, stamp));
    expect(document.stored.final_before).toBe(120_000);
  });

  it('goes on from the progress it saved, without reading it back, with ever larger stamps', async () => {
    const document = new MemoryProgressDocument();
    const store = new StageProgressStore(document, 'country');
    const first = await store.begin();
    await store.save(progressAt(60_000, first.stamp));
    const second = await store.begin();
    expect(second.progress.final_before).toBe(60_000);
    expect(second.stamp).toBeGreaterThan(first.stamp);
    expect(store.finalBefore).toBe(60_000);
    expect(document.reads).toBe(1);
  });
});
