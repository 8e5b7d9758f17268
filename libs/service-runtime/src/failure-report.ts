import {
  DependencyFailureError,
  needsOperator,
  type DependencyFailure,
  type Logger,
} from '@meetup/observability';
import type { ReadinessCheck } from './readiness-check';

/**
 * One log line for a described failure: error level when a person must act
 * (credentials, permissions, CA), warn when waiting fixes it.
 */
export function logDependencyFailure(
  logger: Logger,
  failure: DependencyFailure,
  fields: Record<string, unknown> = {},
): void {
  const line = {
    ...fields,
    dependency: failure.dependency,
    reason: failure.reason,
    ...failure.fields,
  };
  if (needsOperator(failure)) logger.error(line, failure.message);
  else logger.warn(line, failure.message);
}

/**
 * The state of one ongoing activity of a service (consuming, producing):
 * a failure is logged when it starts or changes and again at most every
 * `relogMs` while it lasts, and its readiness check is down with the reason
 * until the activity succeeds again.
 */
export class FailureReport {
  private current: { failure: DependencyFailure; loggedAt: number } | undefined;

  constructor(
    readonly name: string,
    private readonly logger: Logger,
    private readonly relogMs = 30_000,
  ) {}

  record(failure: DependencyFailure): void {
    const now = Date.now();
    const previous = this.current;
    const same =
      previous?.failure.message === failure.message && previous.failure.reason === failure.reason;
    if (same && now - previous.loggedAt < this.relogMs) {
      this.current = { failure, loggedAt: previous.loggedAt };
      return;
    }
    logDependencyFailure(this.logger, failure, { activity: this.name });
    this.current = { failure, loggedAt: now };
  }

  clear(): void {
    this.current = undefined;
  }

  get failure(): DependencyFailure | undefined {
    return this.current?.failure;
  }

  readinessCheck(): ReadinessCheck {
    return {
      name: this.name,
      check: () =>
        this.current === undefined
          ? Promise.resolve({})
          : Promise.reject(new DependencyFailureError(this.current.failure)),
    };
  }
}
