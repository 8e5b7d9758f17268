import { withSpan, type Logger } from '@meetup/observability';
import type { AggregatorMetrics } from '../aggregator.metrics';
import { sleep } from '@meetup/retry';

/** One stage of the combine step (by-country buckets, or trending windows). */
export interface CombineStage {
  readonly name: string;
  /** Forgets what is held in memory: a new leadership starts from the stored progress. */
  reset(): void;
  /**
   * One cycle; resolves true when it stopped at a budget with more ready to
   * combine. `keepGoing` turns false once this member is no longer the leader.
   */
  cycle(keepGoing: () => Promise<boolean>, laps: PhaseLaps): Promise<boolean>;
}

/** Milliseconds spent in each named phase of one cycle, in order. */
export class PhaseLaps {
  private readonly laps = new Map<string, number>();
  private last = performance.now();

  lap(phase: string): void {
    const now = performance.now();
    this.laps.set(phase, Math.round(now - this.last));
    this.last = now;
  }

  entries(): IterableIterator<[string, number]> {
    return this.laps.entries();
  }
}

/**
 * Runs a stage while `leading()` holds: cycles start every `intervalMs`
 * (start to start, so results lag by at most one interval plus one cycle),
 * and a backlog is combined slice after slice without waiting.
 */
export async function runStage(
  stage: CombineStage,
  intervalMs: number,
  leading: () => boolean,
  metrics: AggregatorMetrics,
  logger: Logger,
): Promise<void> {
  if (!leading()) return;
  logger.info({ stage: stage.name }, 'combine stage started (owner of partition 0)');
  stage.reset();
  const keepGoing = () => Promise.resolve(leading());
  while (leading()) {
    const started = Date.now();
    const stop = metrics.combineLatency.startTimer({ stage: stage.name });
    const laps = new PhaseLaps();
    let behind = false;
    try {
      // Its own trace: a cycle combines the activity of many records' batches, not one.
      behind = await withSpan(
        'aggregator.combine',
        { attributes: { 'meetup.combine.stage': stage.name } },
        (span) =>
          stage.cycle(keepGoing, laps).then((more) => {
            span.setAttribute('meetup.combine.behind', more);
            return more;
          }),
      );
      for (const [phase, ms] of laps.entries()) {
        metrics.combinePhaseLatency.observe({ stage: stage.name, phase }, ms / 1000);
      }
      logger.debug(
        { stage: stage.name, ms: Object.fromEntries(laps.entries()), behind },
        'combine cycle',
      );
    } catch (error) {
      logger.warn({ err: error, stage: stage.name }, 'combine cycle failed, retrying');
    } finally {
      stop();
    }
    if (!behind) await sleep(Math.max(0, started + intervalMs - Date.now()));
  }
}

/** A stage and the start-to-start interval of its cycles. */
export interface ScheduledStage {
  stage: CombineStage;
  intervalMs: number;
}

/**
 * The combine stages' loops, run while this member leads (owns partition 0), one loop per
 * stage so a heavy stage never holds back another. Each leadership is a term: a former term's
 * loops end at their next check, even if leadership came back, and the new term's loops start
 * only after they ended, from the stored progress.
 */
export class LeaderLoops {
  private leader = false;
  private term = 0;
  private loops: Promise<void>[] = [];

  constructor(
    private readonly stages: readonly ScheduledStage[],
    private readonly metrics: AggregatorMetrics,
    private readonly logger: Logger,
  ) {}

  setLeader(leader: boolean): void {
    if (leader === this.leader) return;
    this.leader = leader;
    if (!leader) return;
    const term = (this.term += 1);
    const leading = () => this.leader && this.term === term;
    const previous = this.loops;
    this.loops = this.stages.map(({ stage, intervalMs }) =>
      Promise.all(previous).then(() =>
        runStage(stage, intervalMs, leading, this.metrics, this.logger),
      ),
    );
  }

  /** No longer leading; resolves once every loop has ended. */
  async stop(): Promise<void> {
    this.leader = false;
    await Promise.all(this.loops);
  }
}
