import { CLUSTER_ROUTES, INDEX_ROUTES } from './admin-endpoints';
import { DOCUMENT_ROUTES } from './document-endpoints';
import type { RequestPlan } from './request-plan';
import { findPlan } from './router';

const ROUTES = [...DOCUMENT_ROUTES, ...CLUSTER_ROUTES, ...INDEX_ROUTES];

/**
 * Maps a REST request to the transport action(s) Elasticsearch authorizes it
 * with, and to where its target indices are. An endpoint not in the table is
 * `unknown`: the proxy denies it rather than let it through unchecked.
 */
export function planRequest(method: string, pathname: string, query: URLSearchParams): RequestPlan {
  return (
    findPlan(ROUTES, method.toUpperCase(), pathname, query) ?? {
      action: 'unknown',
      checks: [],
      unknown: true,
    }
  );
}
