import { setTimeout as sleep } from 'node:timers/promises';
import { alertStatuses, isDue, type Rule } from '@meetup/alert-rules';
import type { Logger } from '@meetup/observability';
import type { AlertingMetrics } from '../alerting.metrics';
import { StateConflictError } from '../store/alert-state-store';
import type { Lease, LeaseStore } from '../store/lease-store';
import type { RuleStore } from '../store/rule-store';
import type { RuleRunner } from './rule-runner';

export interface SchedulerOptions {
  rules: RuleStore;
  leases: LeaseStore;
  runner: RuleRunner;
  metrics: AlertingMetrics;
  logger: Logger;
  replica: string;
  tickMs: number;
  leaseTtlMs: number;
  concurrency: number;
}

/**
 * Every tick: which enabled rules are due, and for each one this replica
 * can hold the lease of (free, expired, or its own), take or renew it, then
 * evaluate. Leases are renewed well before they expire; a replica that dies
 * stops renewing and another one takes its rules after the TTL.
 */
export class RuleScheduler {
  private running = false;
  private loop: Promise<void> | undefined;
  private readonly owned = new Map<string, Lease>();
  private readonly statusCounts = new Map<string, Record<string, number>>();

  constructor(private readonly options: SchedulerOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.runLoop();
  }

  /** Stops after the current tick and lets the leases go, so others take over at once. */
  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    for (const lease of this.owned.values()) {
      await this.options.leases.claim(lease, { ...lease, expires_at: 0 }).catch(() => undefined);
    }
    this.owned.clear();
  }

  private async runLoop(): Promise<void> {
    while (this.running) {
      await this.tick().catch((error: unknown) => {
        this.options.logger.error({ err: error }, 'alerting tick failed');
      });
      await sleep(this.options.tickMs);
    }
  }

  async tick(now = Date.now()): Promise<void> {
    const rules = (await this.options.rules.list()).map((s) => s.rule).filter((r) => r.enabled);
    const leases = await this.options.leases.getMany(rules.map((r) => r.id));
    const ids = new Set(rules.map((r) => r.id));
    for (const id of this.owned.keys()) if (!ids.has(id)) this.owned.delete(id);
    const queue = [...rules];
    const worker = async () => {
      for (let rule = queue.shift(); rule; rule = queue.shift()) {
        await this.visit(rule, leases.get(rule.id), now);
      }
    };
    await Promise.all(Array.from({ length: this.options.concurrency }, worker));
    this.options.metrics.leasesOwned.set(this.owned.size);
    this.publishStatusCounts(ids);
  }

  private async visit(rule: Rule, lease: Lease | undefined, now: number): Promise<void> {
    const { replica, leaseTtlMs } = this.options;
    const mine = lease?.owner === replica && lease.expires_at > now;
    if (lease && !mine && lease.expires_at > now) {
      this.owned.delete(rule.id);
      return;
    }
    const due = isDue(rule.trigger, lease?.last_run_at, now);
    const renew = mine && lease.expires_at - now < leaseTtlMs / 2;
    if (!due && !renew) return;
    const claimed = await this.options.leases.claim(lease, {
      rule_id: rule.id,
      owner: replica,
      expires_at: now + leaseTtlMs,
      last_run_at: due ? now : lease?.last_run_at,
    });
    if (!claimed) {
      this.owned.delete(rule.id);
      return;
    }
    this.owned.set(rule.id, claimed);
    if (due) await this.evaluate(rule, now);
  }

  private async evaluate(rule: Rule, now: number): Promise<void> {
    const { metrics, logger } = this.options;
    const timer = metrics.evaluationDuration.startTimer({ rule_type: rule.type });
    try {
      const result = await this.options.runner.run(rule, now);
      metrics.evaluations.inc({ rule_type: rule.type, outcome: 'ok' });
      const counts: Record<string, number> = {};
      for (const alert of Object.values(result.evaluation.state.groups)) {
        counts[alert.status] = (counts[alert.status] ?? 0) + 1;
      }
      this.statusCounts.set(rule.id, counts);
    } catch (error) {
      const conflict = error instanceof StateConflictError;
      metrics.evaluations.inc({ rule_type: rule.type, outcome: conflict ? 'conflict' : 'error' });
      logger.warn({ err: error, rule_id: rule.id }, 'rule evaluation failed');
    } finally {
      timer();
    }
  }

  private publishStatusCounts(ruleIds: Set<string>): void {
    for (const id of this.statusCounts.keys()) {
      if (!ruleIds.has(id) || !this.owned.has(id)) this.statusCounts.delete(id);
    }
    for (const state of alertStatuses) {
      let total = 0;
      for (const counts of this.statusCounts.values()) total += counts[state] ?? 0;
      this.options.metrics.activeAlerts.set({ state }, total);
    }
  }
}
