import type { Client } from '@elastic/elasticsearch';
import type { Logger, Registry } from '@meetup/observability';
import { UrlGuard, WebhookSender } from '@meetup/webhook-delivery';
import { AlertingMetrics } from './alerting.metrics';
import type { AlertingSettings } from './config/alerting.config';
import { ElasticsearchRuleSearch } from './engine/elasticsearch-rule-search';
import { NotificationDispatcher } from './engine/notification-dispatcher';
import { RuleRunner } from './engine/rule-runner';
import { RuleScheduler } from './engine/rule-scheduler';
import { AlertStateStore } from './store/alert-state-store';
import { alertingIndices } from './store/alerting-indices';
import { HistoryWriter } from './store/history-writer';
import { LeaseStore } from './store/lease-store';
import { OutboxStore } from './store/outbox-store';
import { RuleStore } from './store/rule-store';

export interface AlertingRuntimeDeps {
  settings: AlertingSettings;
  elasticsearch: Client;
  logger: Logger;
  registry: Registry;
}

/** Every part of the service, built once from its dependencies (Nest only hands them out). */
export class AlertingRuntime {
  readonly indices: ReturnType<typeof alertingIndices>;
  readonly metrics: AlertingMetrics;
  readonly guard: UrlGuard;
  readonly rules: RuleStore;
  readonly states: AlertStateStore;
  readonly runner: RuleRunner;
  readonly scheduler: RuleScheduler;

  constructor({ settings, elasticsearch: es, logger, registry }: AlertingRuntimeDeps) {
    const indices = alertingIndices(settings.indexPrefix);
    const replica = settings.replicaId;
    const metrics = new AlertingMetrics(registry);
    const guard = new UrlGuard(settings.webhooks);
    const states = new AlertStateStore(es, indices.state);
    const outbox = new OutboxStore(es, indices.outbox);
    const history = new HistoryWriter(es, indices.history);
    const dispatcher = new NotificationDispatcher({
      outbox,
      history,
      sender: new WebhookSender({ guard }),
      metrics,
      logger,
      replica,
    });
    this.indices = indices;
    this.metrics = metrics;
    this.guard = guard;
    this.rules = new RuleStore(es, indices.rules);
    this.states = states;
    this.runner = new RuleRunner({
      search: new ElasticsearchRuleSearch(es),
      indices,
      states,
      outbox,
      history,
      dispatcher,
      replica,
    });
    this.scheduler = new RuleScheduler({
      rules: this.rules,
      leases: new LeaseStore(es, indices.leases),
      runner: this.runner,
      metrics,
      logger,
      replica,
      tickMs: settings.tickMs,
      leaseTtlMs: settings.leaseTtlMs,
      concurrency: settings.concurrency,
    });
  }
}
