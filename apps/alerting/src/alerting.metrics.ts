import { Counter, Gauge, Histogram, type Registry } from '@meetup/observability';

/** The service's Prometheus metrics, all named `meetup_alerting_*`. */
export class AlertingMetrics {
  readonly evaluations: Counter<'rule_type' | 'outcome'>;
  readonly evaluationDuration: Histogram<'rule_type'>;
  readonly notificationsSent: Counter<'action_type' | 'kind'>;
  readonly notificationsFailed: Counter<'action_type' | 'reason'>;
  readonly activeAlerts: Gauge<'state'>;
  readonly leasesOwned: Gauge;

  constructor(registry: Registry) {
    const registers = [registry];
    this.evaluations = new Counter({
      name: 'meetup_alerting_evaluations_total',
      help: 'Rule evaluations, by outcome (ok, conflict, error)',
      labelNames: ['rule_type', 'outcome'],
      registers,
    });
    this.evaluationDuration = new Histogram({
      name: 'meetup_alerting_evaluation_duration_seconds',
      help: 'Time to evaluate one rule: search, state, outbox (not delivery)',
      labelNames: ['rule_type'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.notificationsSent = new Counter({
      name: 'meetup_alerting_notifications_sent_total',
      help: 'Notifications delivered',
      labelNames: ['action_type', 'kind'],
      registers,
    });
    this.notificationsFailed = new Counter({
      name: 'meetup_alerting_notifications_failed_total',
      help: 'Notification delivery rounds that failed or were refused',
      labelNames: ['action_type', 'reason'],
      registers,
    });
    this.activeAlerts = new Gauge({
      name: 'meetup_alerting_active_alerts',
      help: 'Alerts of the rules this replica evaluates, by state',
      labelNames: ['state'],
      registers,
    });
    this.leasesOwned = new Gauge({
      name: 'meetup_alerting_leases_owned',
      help: 'Rules whose evaluation lease this replica holds',
      registers,
    });
  }
}
