import { errors } from '@elastic/elasticsearch';
import type { ElasticsearchConfig } from '@meetup/config';
import {
  dependencyFailure,
  TLS_VERIFICATION_FAILURE,
  type DependencyFailure,
} from '@meetup/observability';

export interface ElasticsearchFailureContext {
  /** ES_URL; credentials in it are never repeated. */
  url?: string;
  username?: string;
  /** What was being done: `check indices`, `sync rule files`… */
  operation?: string;
}

export function elasticsearchFailureContext(
  config: ElasticsearchConfig,
  operation?: string,
): ElasticsearchFailureContext {
  return { url: config.url, username: config.username, operation };
}

/**
 * What went wrong between this client and Elasticsearch, in words an
 * operator acts on: credentials refused (401), a role that does not grant
 * the action (403, with the reason Elasticsearch gives: action, user,
 * indices), a CA that does not verify the cluster's certificate, or a cluster
 * that does not answer.
 */
export function describeElasticsearchFailure(
  error: unknown,
  context: ElasticsearchFailureContext = {},
): DependencyFailure {
  const url = urlWithoutCredentials(context.url);
  const base = { url, user: context.username, operation: context.operation };
  if (error instanceof errors.ResponseError) {
    const status = error.statusCode ?? 0;
    const reason = responseReason(error.body);
    if (status === 401) {
      const who = context.username === undefined ? 'no credentials' : `user "${context.username}"`;
      return failure('authentication', 'elasticsearch authentication failed', {
        reason: `Elasticsearch (${url ?? 'ES_URL'}) refused ${who} (401): check ES_USERNAME and ES_PASSWORD`,
        fields: {
          ...base,
          statusCode: status,
          variables: ['ES_USERNAME', 'ES_PASSWORD'],
          detail: reason,
        },
      });
    }
    if (status === 403) {
      return failure('authorization', 'elasticsearch authorization denied', {
        reason: `Elasticsearch denied the request (403): ${reason ?? 'forbidden'}`,
        fields: { ...base, statusCode: status, detail: reason },
      });
    }
    if (status === 408 || status === 429 || status >= 500) {
      return failure('unavailable', 'elasticsearch unavailable', {
        reason: `Elasticsearch (${url ?? 'ES_URL'}) answered ${status}: ${reason ?? error.message}`,
        fields: { ...base, statusCode: status, detail: reason },
      });
    }
    return failure('other', 'elasticsearch request failed', {
      reason: `Elasticsearch answered ${status}: ${reason ?? error.message}`,
      fields: { ...base, statusCode: status, detail: reason },
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof errors.ConnectionError && TLS_VERIFICATION_FAILURE.test(message)) {
    return failure('tls', 'elasticsearch tls verification failed', {
      reason:
        `the TLS certificate of Elasticsearch (${url ?? 'ES_URL'}) did not verify (${message}): ` +
        'set ES_CA_FILE to the CA certificate of the cluster',
      fields: { ...base, variables: ['ES_CA_FILE'], detail: message },
    });
  }
  if (
    error instanceof errors.ConnectionError ||
    error instanceof errors.TimeoutError ||
    error instanceof errors.NoLivingConnectionsError
  ) {
    return failure('unavailable', 'elasticsearch unavailable', {
      reason: `Elasticsearch (${url ?? 'ES_URL'}) did not answer: ${message}`,
      fields: { ...base, detail: message },
    });
  }
  return failure('other', 'elasticsearch request failed', {
    reason: `Elasticsearch request failed: ${message}`,
    fields: { ...base, detail: message },
  });
}

const failure = (
  kind: DependencyFailure['kind'],
  message: string,
  rest: { reason: string; fields: Record<string, unknown> },
): DependencyFailure => dependencyFailure('elasticsearch', kind, message, rest);

/** `error.reason` of an Elasticsearch error body (or its first root cause). */
function responseReason(body: unknown): string | undefined {
  if (body === null || typeof body !== 'object') return typeof body === 'string' ? body : undefined;
  const error = (body as { error?: unknown }).error;
  if (typeof error === 'string') return error;
  if (error === null || typeof error !== 'object') return undefined;
  const { reason, type, root_cause: rootCause } = error as Record<string, unknown>;
  if (typeof reason === 'string') return reason;
  const first = Array.isArray(rootCause)
    ? (rootCause[0] as { reason?: unknown } | undefined)
    : undefined;
  if (typeof first?.reason === 'string') return first.reason;
  return typeof type === 'string' ? type : undefined;
}

/** ES_URL as it may be logged: without the user and password it may carry. */
export function urlWithoutCredentials(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return undefined;
  }
}
