import type { Logger } from 'pino';

/** What a logged process warning carries (`warning` field of the log line). */
export interface LoggedWarning {
  name: string;
  code?: string;
  message: string;
}

/** Kinds of warning remembered as already logged; beyond that, every warning is logged. */
const MAX_KINDS = 256;

/** Where warnings are emitted: the process, or a stand-in for it in tests. */
export type WarningSource = Pick<NodeJS.Process, 'listeners' | 'removeAllListeners' | 'on' | 'off'>;

interface WarningRoute {
  logger: Logger;
  readonly seen: Set<string>;
  readonly listener: (warning: Error) => void;
  /** Node's own listeners (its stderr printer), put back by the restore function. */
  readonly replaced: ((warning: Error) => void)[];
}

const routes = new WeakMap<WarningSource, WarningRoute>();

/**
 * Process warnings (`process.emitWarning`: deprecations, Node's TimeoutNegativeWarning, a
 * library's own) go to `logger` as one JSON line at warn level, `{ warning: { name, code,
 * message } }`, instead of Node's plain-text lines on stderr: every line a service writes stays
 * JSON. Each kind of warning (name, code and message with its numbers left out) is logged
 * once per process. A second call only points the route at another logger (the service's own,
 * once it exists). Returns a function that puts Node's listeners back.
 */
export function routeProcessWarnings(logger: Logger, source: WarningSource = process): () => void {
  const restore = () => {
    restoreProcessWarnings(source);
  };
  const existing = routes.get(source);
  if (existing) {
    existing.logger = logger;
    return restore;
  }
  const route: WarningRoute = {
    logger,
    seen: new Set(),
    replaced: source.listeners('warning'),
    listener: (warning) => {
      logWarning(route, warning);
    },
  };
  source.removeAllListeners('warning');
  source.on('warning', route.listener);
  routes.set(source, route);
  return restore;
}

function restoreProcessWarnings(source: WarningSource): void {
  const route = routes.get(source);
  if (!route) return;
  source.off('warning', route.listener);
  for (const listener of route.replaced) source.on('warning', listener);
  routes.delete(source);
}

function logWarning(route: WarningRoute, warning: Error): void {
  if (warningsSilenced()) return;
  const fields = warningFields(warning);
  const kind = `${fields.name}\u0000${fields.code ?? ''}\u0000${fields.message.replace(/-?\d+(\.\d+)?/g, '#')}`;
  if (route.seen.has(kind)) return;
  if (route.seen.size < MAX_KINDS) route.seen.add(kind);
  route.logger.warn({ warning: fields }, 'process warning (logged once per kind)');
}

/** Node's own switches for its printer, `--no-warnings` and NODE_NO_WARNINGS=1, silence these too. */
function warningsSilenced(): boolean {
  const flags = process as { noProcessWarnings?: boolean };
  return flags.noProcessWarnings === true || process.env.NODE_NO_WARNINGS === '1';
}

function warningFields(warning: Error): LoggedWarning {
  const { code } = warning as Error & { code?: unknown };
  return {
    name: warning.name,
    ...(typeof code === 'string' ? { code } : {}),
    message: warning.message,
  };
}
