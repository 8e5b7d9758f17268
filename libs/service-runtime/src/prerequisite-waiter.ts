import { setTimeout as sleep } from 'node:timers/promises';
import {
  DependencyFailureError,
  type DependencyFailure,
  type Logger,
  type Prerequisite,
} from '@meetup/observability';
import { logDependencyFailure } from './failure-report';
import { NotReadyError, type ReadinessCheck } from './readiness-check';

type PrerequisiteState =
  | { kind: 'pending' }
  | { kind: 'waiting'; missing: readonly string[] }
  | { kind: 'failed'; failure: DependencyFailure }
  | { kind: 'met' };
type Unmet = Extract<PrerequisiteState, { kind: 'waiting' | 'failed' }>;

export interface PrerequisiteWaiterOptions {
  /** Checked in this order: each one once the previous one is met. */
  prerequisites: readonly Prerequisite[];
  logger: Logger;
  /** Between two checks of one prerequisite. */
  pollMs?: number;
  /** A wait or failure that lasts is logged again after this long, not more often. */
  relogMs?: number;
}

export interface WaitOptions {
  /** Stops waiting (shutdown): `waitUntilMet` then resolves false. */
  signal?: AbortSignal;
  /** Gives up (one-shot commands): `waitUntilMet` then rejects with PrerequisiteTimeoutError. */
  timeoutMs?: number;
}

/** A one-shot command waited for its prerequisites as long as it may. */
export class PrerequisiteTimeoutError extends Error {
  constructor(
    readonly prerequisite: string,
    readonly details: Record<string, unknown>,
    timeoutMs: number,
    still: string,
  ) {
    super(`gave up waiting for ${prerequisite} after ${timeoutMs} ms: ${still}`);
    this.name = 'PrerequisiteTimeoutError';
  }
}

const DEFAULT_POLL_MS = 1_000;
const DEFAULT_RELOG_MS = 30_000;

/**
 * Waits until what a service needs exists (topics, indices, a reachable
 * engine), so the order in which the parts of a release start does not
 * matter: the service stays alive, not ready, says what it waits for (one log
 * line, again at most every `relogMs`; its readiness check per prerequisite),
 * and goes on as soon as it is there.
 */
export class PrerequisiteWaiter {
  private readonly states = new Map<string, PrerequisiteState>();
  private readonly pollMs: number;
  private readonly relogMs: number;

  constructor(private readonly options: PrerequisiteWaiterOptions) {
    this.pollMs = options.pollMs ?? DEFAULT_POLL_MS;
    this.relogMs = options.relogMs ?? DEFAULT_RELOG_MS;
    for (const prerequisite of options.prerequisites) {
      this.states.set(prerequisite.name, { kind: 'pending' });
    }
  }

  /** One check per prerequisite, named after it: down with `waitingFor` or the failure until met. */
  readinessChecks(): ReadinessCheck[] {
    return this.options.prerequisites.map(({ name }) => ({
      name,
      check: () => this.readiness(name),
    }));
  }

  /** Resolves true once every prerequisite is met, false when `signal` stops the wait. */
  async waitUntilMet(options: WaitOptions = {}): Promise<boolean> {
    const deadline = Date.now() + (options.timeoutMs ?? Number.POSITIVE_INFINITY);
    for (const prerequisite of this.options.prerequisites) {
      const met = await this.waitFor(prerequisite, deadline, options);
      if (!met) return false;
    }
    return true;
  }

  private async waitFor(
    prerequisite: Prerequisite,
    deadline: number,
    options: WaitOptions,
  ): Promise<boolean> {
    const started = Date.now();
    let logged: { key: string; at: number } | undefined;
    while (options.signal?.aborted !== true) {
      const state = await this.check(prerequisite);
      this.states.set(prerequisite.name, state);
      if (state.kind === 'met') {
        if (logged !== undefined) {
          this.options.logger.info(
            { prerequisite: prerequisite.name, waitedMs: Date.now() - started },
            'prerequisite met',
          );
        }
        return true;
      }
      logged = this.log(prerequisite.name, state, logged);
      const left = deadline - Date.now();
      if (left <= 0) throw timeoutError(prerequisite.name, state, options.timeoutMs ?? 0);
      const slept = await sleep(Math.min(this.pollMs, left), true, {
        signal: options.signal,
      }).catch(() => false);
      if (!slept) return false;
    }
    return false;
  }

  private async check(prerequisite: Prerequisite): Promise<Unmet | { kind: 'met' }> {
    try {
      const missing = await prerequisite.missing();
      return missing.length === 0 ? { kind: 'met' } : { kind: 'waiting', missing };
    } catch (error) {
      return { kind: 'failed', failure: prerequisite.describeFailure(error) };
    }
  }

  /** Logs a wait or failure when it starts or changes, and again after `relogMs` while it lasts. */
  private log(
    name: string,
    state: Unmet,
    last: { key: string; at: number } | undefined,
  ): { key: string; at: number } {
    const key =
      state.kind === 'waiting' ? 'waiting' : `${state.failure.message}|${state.failure.reason}`;
    const now = Date.now();
    if (last?.key === key && now - last.at < this.relogMs) return last;
    if (state.kind === 'waiting') {
      this.options.logger.info(
        { prerequisite: name, waitingFor: state.missing },
        `waiting for ${name}`,
      );
    } else {
      logDependencyFailure(this.options.logger, state.failure, { prerequisite: name });
    }
    return { key, at: now };
  }

  private readiness(name: string): Promise<Record<string, unknown> | undefined> {
    const state = this.states.get(name) ?? { kind: 'pending' };
    switch (state.kind) {
      case 'met':
        return Promise.resolve({});
      case 'waiting':
        return Promise.reject(
          new NotReadyError(`waiting for ${name}`, { waitingFor: state.missing }),
        );
      case 'failed':
        return Promise.reject(new DependencyFailureError(state.failure));
      case 'pending':
        return Promise.reject(new NotReadyError('not checked yet'));
    }
  }
}

function timeoutError(name: string, state: Unmet, timeoutMs: number): PrerequisiteTimeoutError {
  if (state.kind === 'waiting') {
    return new PrerequisiteTimeoutError(
      name,
      { waitingFor: state.missing },
      timeoutMs,
      `still missing ${state.missing.join(', ')}`,
    );
  }
  const { failure } = state;
  return new PrerequisiteTimeoutError(
    name,
    { reason: failure.reason, ...failure.fields },
    timeoutMs,
    failure.reason,
  );
}
