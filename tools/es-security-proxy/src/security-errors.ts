import { clusterPrivilegesGranting, indexPrivilegesGranting, isClusterAction } from './privileges';
import { isRestricted, type Role } from './role';

/** The challenge Elasticsearch sends with a 401 for the Basic realm. */
export const BASIC_CHALLENGE = 'Basic realm="security", charset="UTF-8"';

/** `ElasticsearchException` as the REST layer renders it (`error` of an error response). */
export interface EsError {
  root_cause: Record<string, unknown>[];
  type: string;
  reason: string;
  header?: Record<string, string[]>;
}

export interface EsErrorBody {
  error: EsError;
  status: number;
}

export function securityException(reason: string, header?: Record<string, string[]>): EsError {
  const cause = { type: 'security_exception', reason, ...(header ? { header } : {}) };
  return { root_cause: [cause], ...cause };
}

/** The body of a 401: no credentials, or credentials no user matches. */
export function authenticationFailure(requestUri: string, username?: string): EsErrorBody {
  const reason =
    username === undefined
      ? `missing authentication credentials for REST request [${requestUri}]`
      : `unable to authenticate user [${username}] for REST request [${requestUri}]`;
  return {
    error: securityException(reason, { 'WWW-Authenticate': [BASIC_CHALLENGE] }),
    status: 401,
  };
}

/** `IndexAuthorizationResult.getFailureDescription`: restricted indices are named apart. */
function indicesContext(indices: readonly string[]): string {
  const regular = indices.filter((name) => !isRestricted(name));
  const restricted = indices.filter((name) => isRestricted(name));
  let context = regular.length > 0 ? ` on indices [${regular.join(',')}]` : '';
  if (restricted.length > 0) {
    context += `${context ? ' and' : ' on'} restricted indices [${restricted.join(',')}]`;
  }
  return context;
}

/**
 * `AuthorizationDenialMessages.Default.actionDenied` for a user of the file
 * realm: the action, the user and its effective roles, the indices (for an
 * index action that got that far) and the privileges that would grant it.
 */
export function actionDeniedReason(
  username: string,
  role: Role,
  action: string,
  indices: readonly string[] = [],
): string {
  let message = `action [${action}] is unauthorized for user [${username}] with effective roles [${role.names.join(',')}]`;
  if (role.notFound.length > 0) {
    message += ` (assigned roles [${role.notFound.join(',')}] were not found)`;
  }
  message += indicesContext(indices);
  if (isClusterAction(action)) {
    const granting = clusterPrivilegesGranting(action);
    if (granting.length > 0) {
      message += `, this action is granted by the cluster privileges [${granting.join(',')}]`;
    }
  } else {
    const granting = indexPrivilegesGranting(action);
    if (granting.length > 0) {
      message += `, this action is granted by the index privileges [${granting.join(',')}]`;
    }
  }
  return message;
}

/** The reason of the 403 for an endpoint the proxy cannot map to its actions (fail closed). */
export function unknownEndpointReason(method: string, path: string): string {
  return (
    `es-security-proxy does not know the endpoint [${method} ${path}] and denies it: ` +
    `map it to its Elasticsearch action(s) in tools/es-security-proxy/src/endpoints.ts`
  );
}

export function forbidden(reason: string): EsErrorBody {
  return { error: securityException(reason), status: 403 };
}
