import { DependencyFailureError } from '@meetup/observability';

/** One dependency a service needs before it can do its work (Kafka, Elasticsearch, …). */
export interface ReadinessCheck {
  name: string;
  /** Resolves with details when ready; rejects with the reason when not. */
  check(): Promise<Record<string, unknown> | undefined>;
}

export const READINESS_CHECKS = Symbol('READINESS_CHECKS');

/** A readiness check's "no", with details for the readiness body (e.g. `waitingFor`). */
export class NotReadyError extends Error {
  constructor(
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'NotReadyError';
  }
}

/**
 * What `/health/ready` shows of a failed check: its message, and why when it
 * is known. (`status` belongs to the readiness body itself: never a detail.)
 */
export function notReadyDetails(error: unknown): Record<string, unknown> {
  return Object.fromEntries(Object.entries(detailsOf(error)).filter(([key]) => key !== 'status'));
}

function detailsOf(error: unknown): Record<string, unknown> {
  if (error instanceof NotReadyError) return { message: error.message, ...error.details };
  if (error instanceof DependencyFailureError) {
    const { message, reason, fields } = error.failure;
    return { message, reason, ...fields };
  }
  return { message: error instanceof Error ? error.message : String(error) };
}
