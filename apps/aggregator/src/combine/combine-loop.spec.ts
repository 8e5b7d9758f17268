import { memoryLogger, Registry } from '@meetup/observability';
import { AggregatorMetrics } from '../aggregator.metrics';
import { LeaderLoops, PhaseLaps, runStage, type CombineStage } from './combine-loop';

/** A stage that answers each cycle from a script: true (more ready), false, or an error. */
class ScriptedStage implements CombineStage {
  readonly name = 'country';
  resets = 0;
  readonly cycles: number[] = [];

  constructor(
    private readonly script: (boolean | Error)[],
    private readonly onCycle: () => void = () => undefined,
  ) {}

  reset(): void {
    this.resets += 1;
  }

  cycle(_keepGoing: () => Promise<boolean>, laps: PhaseLaps): Promise<boolean> {
    this.cycles.push(Date.now());
    laps.lap('read');
    this.onCycle();
    const next = this.script.shift() ?? false;
    return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
  }
}

function setUp() {
  const { logger, lines: logs } = memoryLogger('aggregator');
  return { logs, logger, metrics: new AggregatorMetrics(new Registry()) };
}

/** Lets the fake clock run until the stage's loop has ended (it waits an interval after its last cycle). */
async function finished(running: Promise<void>): Promise<void> {
  await jest.advanceTimersByTimeAsync(5_000);
  await running;
}

/** Leading for `cycles` cycles of the stage, then not. */
function leadingFor(stage: ScriptedStage, cycles: number): () => boolean {
  return () => stage.cycles.length < cycles;
}

describe('runStage', () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('does nothing, not even a reset, when this member does not lead', async () => {
    const { logger, metrics } = setUp();
    const stage = new ScriptedStage([]);
    await runStage(stage, 500, () => false, metrics, logger);
    expect(stage.resets).toBe(0);
    expect(stage.cycles).toEqual([]);
  });

  it('starts from the stored progress (reset) and runs a cycle every interval, start to start', async () => {
    const { logger, metrics } = setUp();
    const stage = new ScriptedStage([false, false, false], () => {
      jest.advanceTimersByTime(200);
    });
    const running = runStage(stage, 500, leadingFor(stage, 3), metrics, logger);
    await finished(running);
    expect(stage.resets).toBe(1);
    expect(stage.cycles).toEqual([1_000_000, 1_000_500, 1_001_000]);
  });

  it('goes straight on while a cycle stopped at its budget with more to combine', async () => {
    const { logger, metrics } = setUp();
    const stage = new ScriptedStage([true, true, false]);
    const running = runStage(stage, 500, leadingFor(stage, 4), metrics, logger);
    await finished(running);
    expect(stage.cycles).toEqual([1_000_000, 1_000_000, 1_000_000, 1_000_500]);
  });

  it('logs a failed cycle and tries again at the next interval', async () => {
    const { logs, logger, metrics } = setUp();
    const stage = new ScriptedStage([new Error('search failed'), false]);
    const running = runStage(stage, 500, leadingFor(stage, 2), metrics, logger);
    await finished(running);
    expect(stage.cycles).toEqual([1_000_000, 1_000_500]);
    expect(logs).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        msg: 'combine cycle failed, retrying',
        stage: 'country',
        err: expect.objectContaining({ message: 'search failed' }) as unknown,
      }),
    );
  });

  it('records each phase of a cycle', async () => {
    const { logs, logger, metrics } = setUp();
    const stage = new ScriptedStage([false]);
    await finished(runStage(stage, 500, leadingFor(stage, 1), metrics, logger));
    const cycle = logs.find((l) => l.msg === 'combine cycle');
    expect(cycle).toMatchObject({ stage: 'country', behind: false, ms: { read: 0 } });
    const phases = await metrics.combinePhaseLatency.get();
    expect(phases.values).toContainEqual(
      expect.objectContaining({ labels: expect.objectContaining({ phase: 'read' }) as unknown }),
    );
  });
});

describe('PhaseLaps', () => {
  it('measures each phase from the end of the one before', () => {
    jest.useFakeTimers();
    try {
      const laps = new PhaseLaps();
      jest.advanceTimersByTime(30);
      laps.lap('read');
      jest.advanceTimersByTime(70);
      laps.lap('write');
      expect([...laps.entries()]).toEqual([
        ['read', 30],
        ['write', 70],
      ]);
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('LeaderLoops', () => {
  const T0 = 1_000_000;
  beforeEach(() => {
    jest.useFakeTimers({ now: T0 });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  function twoStages() {
    const { logger, metrics } = setUp();
    const country = new ScriptedStage([]);
    const trending = new ScriptedStage([]);
    const loops = new LeaderLoops(
      [
        { stage: country, intervalMs: 500 },
        { stage: trending, intervalMs: 2_000 },
      ],
      metrics,
      logger,
    );
    return { country, trending, loops };
  }

  it('runs nothing until this member leads', async () => {
    const { country, trending, loops } = twoStages();
    loops.setLeader(false);
    await jest.advanceTimersByTimeAsync(5_000);
    expect(country.cycles).toEqual([]);
    expect(trending.cycles).toEqual([]);
  });

  it('runs each stage on its own interval while leading, and stops them all', async () => {
    const { country, trending, loops } = twoStages();
    loops.setLeader(true);
    await jest.advanceTimersByTimeAsync(2_100);
    expect(country.cycles).toEqual([T0, T0 + 500, T0 + 1_000, T0 + 1_500, T0 + 2_000]);
    expect(trending.cycles).toEqual([T0, T0 + 2_000]);
    const stopped = loops.stop();
    await jest.advanceTimersByTimeAsync(2_000);
    await stopped;
    await jest.advanceTimersByTimeAsync(5_000);
    expect(country.cycles).toHaveLength(5);
    expect(trending.cycles).toHaveLength(2);
  });

  it('starts no second set of loops when told again that it leads', async () => {
    const { country, loops } = twoStages();
    loops.setLeader(true);
    loops.setLeader(true);
    await jest.advanceTimersByTimeAsync(1_100);
    expect(country.resets).toBe(1);
    expect(country.cycles).toEqual([T0, T0 + 500, T0 + 1_000]);
  });

  it("starts a new leadership's loops from the stored progress once all the former ones ended", async () => {
    const { country, trending, loops } = twoStages();
    loops.setLeader(true);
    await jest.advanceTimersByTimeAsync(100);
    // Leadership lost and won back while the first loops wait for their next cycle.
    loops.setLeader(false);
    loops.setLeader(true);
    await jest.advanceTimersByTimeAsync(1_000);
    // The former country loop ended at its check at T0 + 500; the former trending loop still waits.
    expect(country.cycles).toEqual([T0]);
    expect(country.resets).toBe(1);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(country.resets).toBe(2);
    expect(trending.resets).toBe(2);
    expect(country.cycles).toEqual([T0, T0 + 2_000]);
    expect(trending.cycles).toEqual([T0, T0 + 2_000]);
  });
});
