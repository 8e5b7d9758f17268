import { ProgressTracker } from './progress';

describe('ProgressTracker', () => {
  it('reports rate and time left from what is done so far', () => {
    const tracker = new ProgressTracker('groups', 1_000, 0);
    tracker.advance(250);
    expect(tracker.snapshot(10_000)).toEqual({
      phase: 'groups',
      done: 250,
      total: 1_000,
      percent: 25,
      rate: 25,
      etaSeconds: 30,
      elapsedSeconds: 10,
    });
  });

  it('has no ETA before anything is done and never a total below what is done', () => {
    const tracker = new ProgressTracker('events', 10, 0);
    expect(tracker.snapshot(1_000).etaSeconds).toBeUndefined();
    tracker.advance(12);
    expect(tracker.snapshot(2_000)).toMatchObject({
      done: 12,
      total: 12,
      percent: 100,
      etaSeconds: 0,
    });
  });
});
