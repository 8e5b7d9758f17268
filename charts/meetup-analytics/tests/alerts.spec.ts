import { named, ofKind, render, type K8sObject } from './support/helm';

const fullname = 'meetup-meetup-analytics';

interface Rule {
  alert: string;
  expr: string;
  for: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}
const rulesOf = (objects: K8sObject[]): Rule[] =>
  (
    named(objects, 'PrometheusRule', fullname).spec as { groups: { rules: Rule[] }[] }
  ).groups.flatMap((g) => g.rules);
const rule = (objects: K8sObject[], alert: string) => {
  const found = rulesOf(objects).filter((r) => r.alert === alert);
  expect(found).toHaveLength(1);
  return found[0]!;
};
/** PromQL without its layout: one space wherever the template broke a line. */
const flat = (expr: string) =>
  expr.replace(/\s+/g, ' ').replace(/\( /g, '(').replace(/ \)/g, ')').trim();

const production = render({ profile: 'production' });
const kind = render({ profile: 'kind' });

describe('the consumer lag alert', () => {
  it("reads the aggregator group's lag on the RSVP topic from the brokers (Kafka Exporter), for consumerLagMinutes", () => {
    const lag = rule(production, 'MeetupConsumerLag');
    expect(flat(lag.expr)).toBe(
      'sum(kafka_consumergroup_lag{namespace="meetup", consumergroup="meetup-aggregator", topic="meetup.rsvps"}) > 10000',
    );
    expect(lag.for).toBe('10m');
    expect(rulesOf(production).map((r) => r.alert)).not.toContain('MeetupConsumerLagGrowing');
  });

  it('follows the threshold, the minutes, the group and the topic of the values', () => {
    const lag = rule(
      render({
        profile: 'production',
        values: {
          monitoring: { prometheusRule: { consumerLagThreshold: 500, consumerLagMinutes: 15 } },
          aggregator: { consumerGroup: 'acme-aggregator' },
          topics: { rsvps: { name: 'acme.rsvps' } },
        },
      }),
      'MeetupConsumerLag',
    );
    expect(flat(lag.expr)).toBe(
      'sum(kafka_consumergroup_lag{namespace="meetup", consumergroup="acme-aggregator", topic="acme.rsvps"}) > 500',
    );
    expect(lag.for).toBe('15m');
  });

  it("falls back to the aggregator's own gauge where no Kafka Exporter runs", () => {
    const growing = rule(kind, 'MeetupConsumerLagGrowing');
    expect(growing.expr).toContain('meetup_aggregator_consumer_lag_records{namespace="meetup"}');
    expect(rulesOf(kind).map((r) => r.alert)).not.toContain('MeetupConsumerLag');
  });
});

describe('the DLQ alert', () => {
  it('counts what both the ingestor and the aggregator send to the dead-letter topic', () => {
    const dlq = rule(production, 'MeetupDlqRate');
    expect(flat(dlq.expr)).toBe(
      'sum by (service) (rate(meetup_ingestor_records_dlq_total{namespace="meetup"}[5m]) or rate(meetup_aggregator_records_dlq_total{namespace="meetup"}[5m])) > 1',
    );
    expect(dlq.annotations.description).toContain('meetup.rsvps.dlq');
    const renamed = rule(
      render({ profile: 'production', values: { topics: { dlq: { name: 'acme.dead' } } } }),
      'MeetupDlqRate',
    );
    expect(renamed.annotations.description).toContain('acme.dead');
  });
});

/** Prometheus' job label of each scraped target: a ServiceMonitor's Service name, `<ns>/<name>` of a PodMonitor. */
function scrapeJobs(objects: K8sObject[]): string[] {
  const services = ofKind(objects, 'Service');
  const fromServiceMonitors = ofKind(objects, 'ServiceMonitor').flatMap((monitor) => {
    const selector = (monitor.spec as { selector: { matchLabels: Record<string, string> } })
      .selector.matchLabels;
    return services
      .filter((s) => Object.entries(selector).every(([k, v]) => s.metadata.labels?.[k] === v))
      .map((s) => s.metadata.name);
  });
  const fromPodMonitors = ofKind(objects, 'PodMonitor').map((m) => `meetup/${m.metadata.name}`);
  return [...fromServiceMonitors, ...fromPodMonitors].sort();
}

describe('the absent-metrics alerts', () => {
  const absent = (objects: K8sObject[]) =>
    rulesOf(objects)
      .filter((r) => r.alert === 'MeetupMetricsAbsent')
      .map((r) => ({
        service: r.labels.service,
        job: /job="([^"]+)"/.exec(r.expr)?.[1],
        expr: r.expr,
        for: r.for,
        severity: r.labels.severity,
      }));

  it('fire when no target of a service (or the Kafka Exporter) is up, for absentMinutes', () => {
    expect(absent(production)).toEqual(
      [
        ['ingestor', `${fullname}-ingestor`, 'critical'],
        ['aggregator', `${fullname}-aggregator`, 'critical'],
        ['alerting', `${fullname}-alerting`, 'warning'],
        ['console', `${fullname}-console`, 'warning'],
        ['kafka-exporter', `meetup/${fullname}-kafka-exporter`, 'warning'],
      ].map(([service, job, severity]) => ({
        service,
        job,
        // `== 1` inside: no series at all (pods gone) and series at 0 (scrapes failing) both fire.
        expr: `absent(up{namespace="meetup", job="${job}"} == 1)`,
        for: '5m',
        severity,
      })),
    );
    const later = render({
      profile: 'production',
      values: { monitoring: { prometheusRule: { absentMinutes: 8 } } },
    });
    expect(new Set(absent(later).map((a) => a.for))).toEqual(new Set(['8m']));
  });

  it("name exactly the jobs Prometheus gives the release's monitors", () => {
    for (const objects of [production, kind])
      expect(
        absent(objects)
          .map((a) => a.job)
          .sort(),
      ).toEqual(scrapeJobs(objects));
  });

  it('cover the services the release runs: the simulator in kind, no exporter there', () => {
    expect(absent(kind).map((a) => a.service)).toEqual([
      'ingestor',
      'aggregator',
      'alerting',
      'console',
      'simulator',
    ]);
  });
});
