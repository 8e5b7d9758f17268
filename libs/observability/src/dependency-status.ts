/**
 * Why Kafka or Elasticsearch refused or failed a request, in words an operator acts on:
 * the variable, credential or permission to fix. Built by the adapters
 * (`describeKafkaFailure`, `describeElasticsearchFailure`); never holds a secret.
 */
export interface DependencyFailure {
  dependency: 'kafka' | 'elasticsearch';
  /**
   * `authentication`, `authorization` and `tls` need a person (a secret, an ACL or role, a CA);
   * `unavailable` passes by itself (the engine is starting or away); `other` is anything else.
   */
  kind: 'authentication' | 'authorization' | 'tls' | 'unavailable' | 'other';
  /** Constant log message, e.g. `kafka authentication failed`. */
  message: string;
  /** One sentence: what happened and what to fix, naming the variables. */
  reason: string;
  /** Structured context for the log line and readiness: variables, broker, principal, topic… */
  fields: Record<string, unknown>;
}

/** A described failure; fields left undefined are dropped, so log lines and readiness stay short. */
export function dependencyFailure(
  dependency: DependencyFailure['dependency'],
  kind: DependencyFailure['kind'],
  message: string,
  rest: { reason: string; fields: Record<string, unknown> },
): DependencyFailure {
  const fields = Object.fromEntries(Object.entries(rest.fields).filter(([, v]) => v !== undefined));
  return { dependency, kind, message, reason: rest.reason, fields };
}

/** Node's messages for a server certificate that the trusted CAs do not verify. */
export const TLS_VERIFICATION_FAILURE =
  /self[- ]signed certificate|unable to verify the first certificate|unable to get (local )?issuer certificate|certificate has expired|does not match certificate's altnames/i;

/** Failures that take a person to fix: logged at error level, shown by readiness. */
export function needsOperator(failure: DependencyFailure): boolean {
  return (
    failure.kind === 'authentication' || failure.kind === 'authorization' || failure.kind === 'tls'
  );
}

/** Carries a described failure to whoever reports it (readiness, the start-up log line). */
export class DependencyFailureError extends Error {
  constructor(
    readonly failure: DependencyFailure,
    options?: ErrorOptions,
  ) {
    super(failure.reason, options);
    this.name = 'DependencyFailureError';
  }
}

/**
 * Something a service needs before it starts its work — topics, indices, a
 * reachable engine — that another component (the bootstrap, an operator)
 * provides, possibly later than the service starts.
 */
export interface Prerequisite {
  /** Names the readiness check and the log line `waiting for <name>`: `topics`, `indices`. */
  readonly name: string;
  /** What is still missing (topic or index names); empty once everything is there. */
  missing(): Promise<readonly string[]>;
  /** Words for a rejection of `missing` (denied, bad credentials, engine away). */
  describeFailure(error: unknown): DependencyFailure;
}
