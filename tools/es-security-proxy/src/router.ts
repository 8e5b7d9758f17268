import type { RequestPlan } from './request-plan';

export interface RouteParams {
  /** `{index}`: a comma-separated index expression (a name never starts with `_`). */
  index?: string[];
  /** `{id}`: one segment (a document or task id). */
  id?: string;
  /** `{name}`: a comma-separated list (aliases, templates, fields). */
  name?: string[];
  /** `{*}`: the remaining segments. */
  rest: string[];
}

export type PlanBuilder = (params: RouteParams, query: URLSearchParams) => RequestPlan;

export interface Route {
  readonly methods: readonly string[];
  readonly segments: readonly string[];
  readonly build: PlanBuilder;
}

/** A route: `methods` comma-separated, `pattern` like `/{index}/_doc/{id}`. */
export function route(methods: string, pattern: string, build: PlanBuilder): Route {
  return {
    methods: methods.split(','),
    segments: pattern.split('/').filter((s) => s !== ''),
    build,
  };
}

const list = (segment: string): string[] => segment.split(',').filter((s) => s !== '');

function match(segments: readonly string[], path: readonly string[]): RouteParams | undefined {
  const params: RouteParams = { rest: [] };
  for (const [i, pattern] of segments.entries()) {
    if (pattern === '{*}') {
      params.rest = path.slice(i);
      return params;
    }
    const segment = path[i];
    if (segment === undefined) return undefined;
    if (pattern === '{index}') {
      if (segment.startsWith('_')) return undefined;
      params.index = list(segment);
    } else if (pattern === '{id}') params.id = segment;
    else if (pattern === '{name}') params.name = list(segment);
    else if (pattern !== segment) return undefined;
  }
  return path.length === segments.length ? params : undefined;
}

function decodeSegments(pathname: string): string[] {
  return pathname
    .split('/')
    .filter((s) => s !== '')
    .map((s) => decodeURIComponent(s));
}

/**
 * The plan of the first route that matches. HEAD falls back to the GET route,
 * as Elasticsearch's RestController does.
 */
export function findPlan(
  routes: readonly Route[],
  method: string,
  pathname: string,
  query: URLSearchParams,
): RequestPlan | undefined {
  let path: string[];
  try {
    path = decodeSegments(pathname);
  } catch {
    return undefined;
  }
  const tryMethod = (m: string): RequestPlan | undefined => {
    for (const r of routes) {
      if (!r.methods.includes(m)) continue;
      const params = match(r.segments, path);
      if (params) return r.build(params, query);
    }
    return undefined;
  };
  return tryMethod(method) ?? (method === 'HEAD' ? tryMethod('GET') : undefined);
}
