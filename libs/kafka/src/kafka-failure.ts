import type { KafkaConfig } from '@meetup/config';
import {
  dependencyFailure,
  TLS_VERIFICATION_FAILURE,
  type DependencyFailure,
} from '@meetup/observability';

/** Who talks to which brokers: the part of a failure's context that comes from the configuration. */
export interface KafkaIdentity {
  brokers: readonly string[];
  /** The SASL username (Kafka's principal is `User:<name>`); undefined without SASL. */
  principal: string | undefined;
}

export interface KafkaFailureContext extends Partial<KafkaIdentity> {
  /** What was being done: `check topics`, `create topics`, `read checkpoints`, `consume`… */
  operation: string;
  topics?: readonly string[];
  group?: string;
}

export function kafkaIdentity(config: KafkaConfig): KafkaIdentity {
  return { brokers: config.brokers, principal: config.sasl?.username };
}

/**
 * Marks a failure with the operation and topics it concerns, for steps that
 * run several requests (check, then create) so the description names the one that failed.
 */
export class KafkaOperationError extends Error {
  constructor(
    readonly operation: string,
    readonly topics: readonly string[],
    options: ErrorOptions,
  ) {
    super(`${operation} failed`, options);
    this.name = 'KafkaOperationError';
  }
}

const AUTHORIZATION_ERRORS = new Set([
  'TOPIC_AUTHORIZATION_FAILED',
  'GROUP_AUTHORIZATION_FAILED',
  'CLUSTER_AUTHORIZATION_FAILED',
  'TRANSACTIONAL_ID_AUTHORIZATION_FAILED',
]);

/** Errors that mean "not there or not answering yet", which waiting fixes. */
const UNAVAILABLE_NAMES = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSBrokerNotFound',
  'KafkaJSLockTimeout',
]);
const UNAVAILABLE_TYPES = new Set([
  'LEADER_NOT_AVAILABLE',
  'NOT_CONTROLLER',
  'COORDINATOR_NOT_AVAILABLE',
  'COORDINATOR_LOAD_IN_PROGRESS',
  'REQUEST_TIMED_OUT',
  'BROKER_NOT_AVAILABLE',
]);

/** Node's certificate verification failures (codes and messages of `tls`). */
const TLS_CODES =
  /^(SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT(_LOCALLY)?|CERT_\w+|ERR_TLS_CERT_ALTNAME_INVALID)$/;

interface ErrorLike {
  name?: unknown;
  message?: unknown;
  type?: unknown;
  code?: unknown;
  broker?: unknown;
}

/**
 * What went wrong between this client and Kafka, in words an operator acts
 * on: bad SASL credentials, an ACL that denies the operation, a CA that does
 * not verify the brokers' certificates, or brokers that do not answer.
 * Looks through kafkajs's wrappers (retries exceeded, non-retriable) to the cause.
 */
export function describeKafkaFailure(
  error: unknown,
  context: KafkaFailureContext,
): DependencyFailure {
  const chain = causesOf(error);
  const marked = chain.find((e): e is KafkaOperationError => e instanceof KafkaOperationError);
  const ctx = marked ? { ...context, operation: marked.operation, topics: marked.topics } : context;
  const detail = innermostMessage(chain);
  const brokers = (ctx.brokers ?? []).join(',');
  const base = { operation: ctx.operation, brokers: ctx.brokers, principal: ctx.principal };
  if (chain.some((e) => e.name === 'KafkaJSSASLAuthenticationError')) {
    return failure('authentication', 'kafka authentication failed', {
      reason:
        `Kafka (${brokers}) refused the SASL credentials of user "${ctx.principal ?? ''}": ` +
        'check KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD',
      fields: { ...base, variables: ['KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD'], detail },
    });
  }
  const denied = chain
    .map((e) => (typeof e.type === 'string' ? e.type : ''))
    .find((t) => AUTHORIZATION_ERRORS.has(t));
  if (denied !== undefined) return authorizationFailure(denied, ctx, base, detail);
  if (ctx.group !== undefined && chain.some((e) => e.name === 'KafkaJSGroupCoordinatorNotFound')) {
    return groupCoordinatorMissing(ctx, base, detail);
  }
  const tls = chain.find(
    (e) => TLS_CODES.test(String(e.code)) || TLS_VERIFICATION_FAILURE.test(text(e)),
  );
  if (tls !== undefined) {
    const broker =
      chain.map((e) => e.broker).find((b): b is string => typeof b === 'string') ?? brokers;
    return failure('tls', 'kafka tls verification failed', {
      reason:
        `the TLS certificate of Kafka broker ${broker} did not verify (${detail}): ` +
        'set KAFKA_CA_FILE to the CA certificate of the cluster',
      fields: { ...base, broker, variables: ['KAFKA_CA_FILE'], detail },
    });
  }
  if (chain.some((e) => e.type === 'INVALID_REPLICATION_FACTOR')) {
    return failure('other', 'kafka request failed', {
      reason:
        `Kafka refused ${ctx.operation} on ${(ctx.topics ?? []).join(', ')}: the replication ` +
        'factor is more than the brokers available: check TOPIC_REPLICATION_FACTOR',
      fields: { ...base, topics: ctx.topics, variables: ['TOPIC_REPLICATION_FACTOR'], detail },
    });
  }
  if (
    chain.some(
      (e) => UNAVAILABLE_NAMES.has(String(e.name)) || UNAVAILABLE_TYPES.has(String(e.type)),
    )
  ) {
    return failure('unavailable', 'kafka unavailable', {
      reason: `Kafka (${brokers}) did not answer (${ctx.operation}): ${detail}`,
      fields: { ...base, detail },
    });
  }
  return failure('other', 'kafka request failed', {
    reason: `Kafka ${ctx.operation} failed: ${detail}`,
    fields: { ...base, topics: ctx.topics, group: ctx.group, detail },
  });
}

function authorizationFailure(
  type: string,
  ctx: KafkaFailureContext,
  base: Record<string, unknown>,
  detail: string,
): DependencyFailure {
  const principal = ctx.principal === undefined ? 'ANONYMOUS' : `User:${ctx.principal}`;
  const on =
    type === 'GROUP_AUTHORIZATION_FAILED'
      ? { what: `consumer group ${ctx.group ?? '(unknown)'}`, fields: { group: ctx.group } }
      : type === 'TOPIC_AUTHORIZATION_FAILED'
        ? { what: `topic ${(ctx.topics ?? []).join(', ')}`, fields: { topics: ctx.topics } }
        : { what: 'the cluster', fields: {} };
  return failure('authorization', 'kafka authorization denied', {
    reason: `Kafka denied ${ctx.operation} on ${on.what} to principal ${principal} (${type}): grant the ACL`,
    fields: { ...base, principal, ...on.fields, errorType: type, detail },
  });
}

/**
 * kafkajs hides a GROUP_AUTHORIZATION_FAILED answer to FindCoordinator behind
 * "Failed to find group coordinator" (it tries every broker, then gives up
 * without the cause). Outside a cluster's first moments that is a group ACL missing.
 */
function groupCoordinatorMissing(
  ctx: KafkaFailureContext,
  base: Record<string, unknown>,
  detail: string,
): DependencyFailure {
  const principal = ctx.principal === undefined ? 'ANONYMOUS' : `User:${ctx.principal}`;
  return failure('authorization', 'kafka authorization denied', {
    reason:
      `Kafka gave principal ${principal} no coordinator for consumer group ${ctx.group ?? ''} ` +
      `(${ctx.operation}): the group ACL is most likely missing (kafkajs reports ` +
      'GROUP_AUTHORIZATION_FAILED this way), or the cluster has just started: grant the ACL',
    fields: {
      ...base,
      principal,
      group: ctx.group,
      errorType: 'GROUP_COORDINATOR_NOT_FOUND',
      detail,
    },
  });
}

const failure = (
  kind: DependencyFailure['kind'],
  message: string,
  rest: { reason: string; fields: Record<string, unknown> },
): DependencyFailure => dependencyFailure('kafka', kind, message, rest);

/** The error and its causes, outermost first (kafkajs wraps in `cause`, sometimes `originalError`). */
export function causesOf(error: unknown): ErrorLike[] {
  const chain: ErrorLike[] = [];
  const pending: unknown[] = [error];
  while (pending.length > 0 && chain.length < 20) {
    const current = pending.shift();
    if (current === null || typeof current !== 'object' || chain.includes(current)) continue;
    chain.push(current);
    const { cause, originalError, errors } = current as Record<string, unknown>;
    pending.push(cause, originalError, ...(Array.isArray(errors) ? (errors as unknown[]) : []));
  }
  return chain;
}

function innermostMessage(chain: readonly ErrorLike[]): string {
  for (let i = chain.length - 1; i >= 0; i -= 1) {
    const message = text(chain[i]);
    if (message !== '') return message;
  }
  return 'unknown error';
}

function text(error: ErrorLike | undefined): string {
  return typeof error?.message === 'string' ? error.message : '';
}
