import { Registry } from '@meetup/observability';
import { countAcknowledged, createIngestorMetrics } from './ingestor.metrics';
import type { PendingRecord } from './pipeline/ingest-buffer';

function record(source: string, dlqReason?: string): PendingRecord {
  const base = {
    topic: 't',
    key: null,
    value: Buffer.from('x'),
    headers: {},
    source,
    watermark: 1,
  };
  return dlqReason === undefined ? base : { ...base, dlqReason };
}

describe('ingestor metrics', () => {
  it('counts an acknowledged batch: valid records by source, dead letters by reason only', async () => {
    const registry = new Registry();
    const metrics = createIngestorMetrics(registry);
    countAcknowledged(metrics, [
      record('meetup'),
      record('meetup', 'not_json'),
      record('replay'),
      record('meetup'),
      record('replay', 'not_json'),
      record('meetup', 'oversized'),
    ]);
    const produced = (await metrics.produced.get()).values;
    expect(produced.map((v) => [v.labels.source, v.value])).toEqual([
      ['meetup', 2],
      ['replay', 1],
    ]);
    const dlq = (await metrics.dlq.get()).values;
    expect(dlq.map((v) => [v.labels.reason, v.value])).toEqual([
      ['not_json', 2],
      ['oversized', 1],
    ]);
  });

  it('registers every metric under the meetup_ingestor_ prefix', async () => {
    const registry = new Registry();
    createIngestorMetrics(registry);
    const names = (await registry.getMetricsAsJSON()).map((m) => m.name);
    expect(names).toContain('meetup_ingestor_records_produced_total');
    expect(names).toContain('meetup_ingestor_source_lag_seconds');
    expect(names.every((name) => name.startsWith('meetup_ingestor_'))).toBe(true);
  });
});
