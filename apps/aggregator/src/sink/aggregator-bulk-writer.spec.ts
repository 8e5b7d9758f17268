import { Registry } from '@meetup/observability';
import { AggregatorMetrics } from '../aggregator.metrics';
import { bulkRequestMetrics } from './aggregator-bulk-writer';

async function failures(metrics: AggregatorMetrics): Promise<Record<string, number>> {
  const { values } = await metrics.bulkFailures.get();
  return Object.fromEntries(values.map((v) => [`${v.labels.target}/${v.labels.kind}`, v.value]));
}

describe('bulkRequestMetrics', () => {
  const report = {
    target: 'rsvps',
    seconds: 0.25,
    documents: 10,
    failed: false,
    retried: 0,
    dropped: 0,
  };

  it('observes the latency of every request and counts no failure for a clean one', async () => {
    const metrics = new AggregatorMetrics(new Registry());
    bulkRequestMetrics(metrics)(report);
    const { values } = await metrics.bulkLatency.get();
    expect(values).toContainEqual(
      expect.objectContaining({
        metricName: 'meetup_aggregator_bulk_latency_seconds_sum',
        value: 0.25,
      }),
    );
    expect(await failures(metrics)).toEqual({});
  });

  it('counts a request that failed as a whole once, not its documents as retried', async () => {
    const metrics = new AggregatorMetrics(new Registry());
    bulkRequestMetrics(metrics)({ ...report, failed: true, retried: 10 });
    expect(await failures(metrics)).toEqual({ 'rsvps/request': 1 });
  });

  it('counts retried documents and documents refused for good by target', async () => {
    const metrics = new AggregatorMetrics(new Registry());
    const record = bulkRequestMetrics(metrics);
    record({ ...report, retried: 3, dropped: 2 });
    record({ ...report, target: 'aggregates', retried: 1 });
    expect(await failures(metrics)).toEqual({
      'rsvps/retried': 3,
      'rsvps/rejected': 2,
      'aggregates/retried': 1,
    });
  });
});
