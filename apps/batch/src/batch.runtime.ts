import type { BatchRunPlan } from '@meetup/batch-stats';
import { withSpan, type Logger, type Registry } from '@meetup/observability';
import { BatchMetrics } from './batch.metrics';
import type { BatchConfig } from './config/batch.config';
import { BatchLockedError } from './job/batch-lock';
import { BatchRunner, type BatchOutcome } from './job/batch-runner';
import type { BatchStorage } from './job/batch-storage';
import { ProgressReporter } from './job/progress-reporter';

export interface BatchDeps {
  config: BatchConfig;
  /** Elasticsearch (`elasticsearchBatchStorage`). */
  storage: BatchStorage;
  logger: Logger;
  registry: Registry;
  /** stdout is a terminal: show a progress bar instead of progress log lines. */
  interactive: boolean;
}

/** Exit statuses of the job: a CronJob's history tells success, refusal and failure apart. */
export const BatchExit = { success: 0, failed: 1, locked: 3 } as const;
export type BatchExitCode = (typeof BatchExit)[keyof typeof BatchExit];

/** Runs one batch and reports it: final log line with the metrics, Pushgateway when configured. */
export class BatchJob {
  constructor(private readonly deps: BatchDeps) {}

  async run(plan: BatchRunPlan, signal: AbortSignal): Promise<BatchExitCode> {
    const { config, logger } = this.deps;
    const started = Date.now();
    const progress = new ProgressReporter({
      logger,
      interactive: this.deps.interactive,
      intervalMs: config.job.progressIntervalMs,
    });
    const runner = new BatchRunner({
      storage: this.deps.storage,
      config: config.job,
      logger,
      progress,
    });
    let outcome: BatchOutcome | undefined;
    let exit: BatchExitCode = BatchExit.success;
    try {
      const attributes = { 'meetup.batch.mode': plan.mode };
      outcome = await withSpan('batch.run', { attributes }, async (span) => {
        const done = await runner.run(plan, signal);
        span.setAttributes({
          'meetup.batch.ran_as': done.mode,
          'meetup.batch.scanned': done.documentsScanned,
        });
        return done;
      });
    } catch (error) {
      if (error instanceof BatchLockedError) {
        logger.warn({ owner: error.owner, expiresAt: error.expiresAt }, error.message);
        return BatchExit.locked;
      }
      logger.error({ err: error }, 'batch failed');
      exit = BatchExit.failed;
    }
    await this.report(plan, outcome, Date.now() - started);
    return exit;
  }

  private async report(
    plan: BatchRunPlan,
    outcome: BatchOutcome | undefined,
    ms: number,
  ): Promise<void> {
    const { config, logger } = this.deps;
    const metrics = new BatchMetrics(this.deps.registry).record(
      {
        mode: outcome?.mode ?? plan.mode,
        documentsScanned: outcome?.documentsScanned ?? 0,
        groupsWritten: outcome?.groupsWritten ?? 0,
        eventsWritten: outcome?.eventsWritten ?? 0,
        documentsDeleted: outcome?.documentsDeleted ?? 0,
        durationSeconds: ms / 1000,
        success: outcome !== undefined,
      },
      Date.now(),
    );
    logger.info(
      {
        mode: outcome?.mode ?? plan.mode,
        success: outcome !== undefined,
        metrics,
        peakRssBytes: process.resourceUsage().maxRSS * 1024,
      },
      'batch finished',
    );
    if (config.job.pushgatewayUrl === undefined) return;
    await new BatchMetrics(this.deps.registry)
      .push(config.job.pushgatewayUrl)
      .catch((error: unknown) => {
        logger.warn({ err: error }, 'pushing metrics failed');
      });
  }
}
