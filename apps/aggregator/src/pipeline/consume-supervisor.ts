import { describeKafkaFailure, type KafkaIdentity } from '@meetup/kafka';
import { needsOperator, type Logger } from '@meetup/observability';
import { backoffDelay, sleep, type BackoffOptions } from '@meetup/retry';
import { startInBackground, type FailureReport } from '@meetup/service-runtime';

export interface ConsumeSupervisorOptions {
  /** Connects what consuming needs and starts the consumer (it runs on by itself from then on). */
  start: () => Promise<void>;
  /** Stops the consumer, started or half-started. */
  stop: () => Promise<void>;
  /** A start failed (`attempt` from 0), or the consumer stopped for good (attempt 0). */
  onFailure: (error: unknown, attempt: number) => void;
  /** Aborted when the service stops: no more attempts, waits cut short. */
  signal: AbortSignal;
  logger: Logger;
  /** Between attempts to start consuming (Kafka not up yet, or the group denied). */
  backoff?: BackoffOptions;
  /** Wait before starting again a consumer kafkajs stopped for good. */
  restartAfterMs?: number;
}

const CONSUME_BACKOFF = { initialMs: 500, maxMs: 10_000, jitter: 0.2 };
const RESTART_AFTER_STOP_MS = 10_000;

/**
 * Keeps the consumer consuming: starts it once the prerequisites are met, retries a failed
 * start with backoff (Kafka may not be up yet, or may deny the group: readiness reports it),
 * and starts it again some time after kafkajs stopped it for good. Never gives up until the
 * service stops.
 */
export class ConsumeSupervisor {
  /** The start-up and every restart after it, in order. */
  private work: Promise<void> = Promise.resolve();

  constructor(private readonly options: ConsumeSupervisorOptions) {}

  /** Returns at once: waits for `prerequisites` (false: stopping) in the background, then consumes. */
  start(prerequisites: () => Promise<boolean>): void {
    this.work = startInBackground(this.options.logger, async () => {
      if (await prerequisites()) await this.consumeWhenPossible();
    });
  }

  /** kafkajs stopped the consumer for good (e.g. the group is denied): try again later. */
  stopped(error: Error): void {
    const { signal } = this.options;
    this.options.onFailure(error, 0);
    if (signal.aborted) return;
    const previous = this.work;
    this.work = (async () => {
      await previous;
      await sleep(this.options.restartAfterMs ?? RESTART_AFTER_STOP_MS, signal);
      if (signal.aborted) return;
      await this.options.stop().catch(() => undefined);
      await this.consumeWhenPossible();
    })();
  }

  /** Resolves once the start-up and any restart have ended (after `signal` aborted: soon). */
  settled(): Promise<void> {
    return this.work;
  }

  private async consumeWhenPossible(): Promise<void> {
    const { signal } = this.options;
    for (let attempt = 0; !signal.aborted; attempt += 1) {
      try {
        await this.options.start();
        return;
      } catch (error) {
        await this.options.stop().catch(() => undefined);
        this.options.onFailure(error, attempt);
        await sleep(backoffDelay(attempt, this.options.backoff ?? CONSUME_BACKOFF), signal);
      }
    }
  }
}

export interface ConsumeFailureContext {
  identity: KafkaIdentity;
  topic: string;
  group: string;
  /** Readiness: what an operator must fix (credentials, ACLs, TLS). */
  report: FailureReport;
  logger: Logger;
}

/**
 * A failure to consume: one an operator must fix goes to readiness (and is logged there);
 * one that waiting fixes (Kafka not up yet) is only logged.
 */
export function reportConsumeFailure(
  error: unknown,
  attempt: number,
  context: ConsumeFailureContext,
): void {
  const failure = describeKafkaFailure(error, {
    operation: 'consume',
    ...context.identity,
    topics: [context.topic],
    group: context.group,
  });
  if (needsOperator(failure)) context.report.record(failure);
  else context.logger.warn({ err: error, attempt }, 'cannot consume yet, retrying');
}
