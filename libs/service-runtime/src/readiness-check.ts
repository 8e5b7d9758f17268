/** One dependency a service needs before it can do its work (Kafka, Elasticsearch, …). */
export interface ReadinessCheck {
  name: string;
  /** Resolves with details when ready; rejects with the reason when not. */
  check(): Promise<Record<string, unknown> | undefined>;
}

export const READINESS_CHECKS = Symbol('READINESS_CHECKS');
