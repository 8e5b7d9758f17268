import { Backoff, backoffDelay, sleep } from './index';

describe('backoffDelay', () => {
  const options = { initialMs: 100, maxMs: 1_000, jitter: 0 };

  it('doubles per attempt from the initial delay up to the cap', () => {
    const delays = [0, 1, 2, 3, 4, 5].map((attempt) => backoffDelay(attempt, options));
    expect(delays).toEqual([100, 200, 400, 800, 1_000, 1_000]);
  });

  it('stays at the cap for any number of attempts', () => {
    expect(backoffDelay(10_000, options)).toBe(1_000);
  });

  it('takes off at most the jitter share of the delay', () => {
    const jittered = { ...options, jitter: 0.5 };
    expect(backoffDelay(2, jittered, () => 0)).toBe(400);
    expect(backoffDelay(2, jittered, () => 0.999_999)).toBe(200);
    expect(backoffDelay(2, jittered, () => 0.5)).toBe(300);
  });

  it('spreads the delays of clients that failed together', () => {
    const jittered = { ...options, jitter: 1 };
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelay(3, jittered)));
    expect(delays.size).toBeGreaterThan(10);
    for (const delay of delays) {
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThanOrEqual(800);
    }
  });
});

describe('Backoff', () => {
  it('doubles up to the cap and starts over after a reset', () => {
    const backoff = new Backoff({ initialMs: 100, maxMs: 1_000, jitter: 0.5 }, () => 0);
    const delays = [1, 2, 3, 4, 5].map(() => backoff.next());
    expect(delays).toEqual([100, 200, 400, 800, 1_000]);
    backoff.reset();
    expect(backoff.next()).toBe(100);
  });
});

describe('sleep', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('resolves true once the whole time has passed', async () => {
    const slept = sleep(1_000);
    await jest.advanceTimersByTimeAsync(1_000);
    await expect(slept).resolves.toBe(true);
  });

  it('resolves false as soon as its signal aborts', async () => {
    const halt = new AbortController();
    let answer: boolean | undefined;
    void sleep(60_000, halt.signal).then((slept) => (answer = slept));
    await jest.advanceTimersByTimeAsync(10);
    expect(answer).toBeUndefined();
    halt.abort();
    await jest.advanceTimersByTimeAsync(0);
    expect(answer).toBe(false);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('does not wait at all when the signal has already aborted', async () => {
    const halt = new AbortController();
    halt.abort();
    await expect(sleep(60_000, halt.signal)).resolves.toBe(false);
  });
});
