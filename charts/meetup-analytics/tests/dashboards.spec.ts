import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyticsIndexSpecs, type IndexSpec } from '@meetup/elasticsearch';
import { chartDir, named, render } from './support/helm';
import { exportedMetricNames, metricsFromOutside, metricsInPromQl } from './support/metric-names';

interface Mapping {
  type?: string;
  enabled?: boolean;
  properties?: Record<string, Mapping>;
  fields?: Record<string, Mapping>;
}
const aggregatable = new Set([
  'keyword',
  'date',
  'long',
  'integer',
  'short',
  'double',
  'float',
  'boolean',
  'geo_point',
]);

/** Every field path of an index template with its type, multi-fields (`name.keyword`) included. */
function fieldTypes(spec: IndexSpec): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (props: Record<string, Mapping>, prefix: string) => {
    for (const [name, m] of Object.entries(props)) {
      const path = `${prefix}${name}`;
      if (m.properties) walk(m.properties, `${path}.`);
      else if (m.enabled !== false) out.set(path, m.type ?? 'object');
      for (const [sub, subMapping] of Object.entries(m.fields ?? {}))
        out.set(`${path}.${sub}`, subMapping.type ?? 'object');
    }
  };
  walk(spec.mappings.properties ?? {}, '');
  return out;
}

interface SavedObject {
  type: string;
  id: string;
  attributes: Record<string, string>;
  references: { name: string; type: string; id: string }[];
}
const savedObjects = readFileSync(
  join(chartDir, 'dashboards/kibana/meetup-dashboards.ndjson'),
  'utf8',
)
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as SavedObject);

/** [index pattern title, field] pairs a visualisation or map aggregates on. */
function fieldsUsed(object: SavedObject): { field: string; geo: boolean }[] {
  if (object.type === 'visualization') {
    const vis = JSON.parse(object.attributes.visState!) as {
      aggs: { params: { field?: string } }[];
    };
    return vis.aggs.flatMap((a) => (a.params.field ? [{ field: a.params.field, geo: false }] : []));
  }
  if (object.type === 'map') {
    const layers = JSON.parse(object.attributes.layerListJSON!) as {
      sourceDescriptor: { geoField?: string; metrics?: { field?: string }[] };
    }[];
    return layers.flatMap((l) => [
      ...(l.sourceDescriptor.geoField ? [{ field: l.sourceDescriptor.geoField, geo: true }] : []),
      ...(l.sourceDescriptor.metrics ?? []).flatMap((m) =>
        m.field ? [{ field: m.field, geo: false }] : [],
      ),
    ]);
  }
  return [];
}

describe('Kibana saved objects', () => {
  const patterns = new Map(
    savedObjects.filter((o) => o.type === 'index-pattern').map((o) => [o.id, o.attributes.title!]),
  );
  const specs = new Map(analyticsIndexSpecs.map((s) => [s.alias as string, fieldTypes(s)]));

  it('recreate the four dashboards of the 2016 system', () => {
    const titles = savedObjects
      .filter((o) => o.type === 'dashboard')
      .map((o) => o.attributes.title);
    expect(titles).toEqual([
      'Meetup — Responses',
      'Meetup — Trending topics',
      'Meetup — Groups',
      'Meetup — Events',
    ]);
    const ids = new Set(savedObjects.map((o) => `${o.type}:${o.id}`));
    for (const o of savedObjects)
      for (const ref of o.references) expect(ids).toContain(`${ref.type}:${ref.id}`);
  });

  it('read only our indices, aggregating fields their templates map with an aggregatable type', () => {
    const problems: string[] = [];
    for (const object of savedObjects.filter(
      (o) => o.type === 'visualization' || o.type === 'map',
    )) {
      const indexId = object.references.find((r) => r.type === 'index-pattern')?.id ?? '';
      const alias = patterns.get(indexId);
      const fields = alias ? specs.get(alias) : undefined;
      if (!fields) {
        problems.push(`${object.id}: index pattern ${alias ?? indexId} is none of our indices`);
        continue;
      }
      for (const { field, geo } of fieldsUsed(object)) {
        const type = fields.get(field);
        if (!type || !aggregatable.has(type) || geo !== (type === 'geo_point')) {
          problems.push(`${object.id}: ${alias}.${field} is ${type ?? 'not mapped'}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('are imported by the hook Job from a ConfigMap', () => {
    const configMap = named(
      render({ profile: 'kind' }),
      'ConfigMap',
      'meetup-meetup-analytics-kibana-objects',
    );
    expect(Object.keys(configMap.data as object)).toEqual(['meetup-dashboards.ndjson']);
  });
});

describe('the Grafana dashboard and the PrometheusRules', () => {
  const dashboard = JSON.parse(
    readFileSync(join(chartDir, 'dashboards/grafana/pipeline-health.json'), 'utf8'),
  ) as {
    panels: { title: string; targets: { expr: string }[] }[];
  };

  it('query only metrics some service exports on /metrics, or the Kafka Exporter', async () => {
    const exported = await exportedMetricNames();
    const ruleExprs = (objects: ReturnType<typeof render>) =>
      (
        named(objects, 'PrometheusRule', 'meetup-meetup-analytics').spec as {
          groups: { rules: { expr: string }[] }[];
        }
      ).groups.flatMap((g) => g.rules.map((r) => r.expr));
    const exprs = [
      ...dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr)),
      ...ruleExprs(render({ profile: 'production' })),
      // Without the exporter (an external Kafka) the lag alert reads the aggregator's gauge.
      ...ruleExprs(
        render({
          profile: 'external',
          values: { monitoring: { prometheusRule: { enabled: true } } },
        }),
      ),
    ];
    const used = new Set(exprs.flatMap(metricsInPromQl));
    expect(used.size).toBeGreaterThan(10);
    expect(
      [...used].filter((name) => !exported.has(name) && !(name in metricsFromOutside)),
    ).toEqual([]);
    expect(used).toContain('meetup_aggregator_records_dlq_total');
    expect(used).toContain('kafka_consumergroup_lag');
  });

  it('cover ingest, lag, DLQ, late records, bulk writes, batch runs and alerting', () => {
    const titles = dashboard.panels.map((p) => p.title).join(' | ');
    for (const topic of [
      'Ingest rate',
      'consumer lag',
      'DLQ',
      'Late',
      'bulk latency',
      'bulk errors',
      'Batch',
      'Alert evaluations',
    ]) {
      expect(titles).toContain(topic);
    }
  });
});
