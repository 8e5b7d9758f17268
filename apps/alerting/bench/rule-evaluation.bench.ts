/**
 * Evaluation latency per rule and rules evaluated per second by one replica:
 * the real engine (search, state read/write with if_seq_no, history) over a
 * data index of 20,000 documents, 200 rules of the five data-driven types.
 */
import { Client } from '@elastic/elasticsearch';
import { parseRule, type Rule } from '@meetup/alert-rules';
import { analyticsIndexSpecs, IndexBootstrapper } from '@meetup/elasticsearch';
import { createLogger, createMetricsRegistry } from '@meetup/observability';
import { AlertingRuntime } from '../src/alerting.runtime';

const RULES = 200;
const DOCS = 20_000;
const COUNTRIES = ['us', 'de', 'fr', 'jp', 'gb', 'in', 'br', 'ca', 'es', 'it'];

function ruleFor(i: number, index: string): Rule {
  const base = {
    id: `bench-${i}`,
    name: `bench ${i}`,
    trigger: { interval: '1s' },
    actions: [{ id: 'log', type: 'log' }],
  };
  const input = { index, window: '10m', query: { term: { shard: i % 20 } } };
  const kinds = [
    {
      type: 'threshold',
      input: { ...input, group_by: { field: 'country', size: 10 } },
      condition: { op: 'gt', value: 5 },
    },
    { type: 'spike', input, spike: { ratio: 2, min_count: 5 } },
    { type: 'flatline', input, condition: { op: 'lt', value: 1 } },
    { type: 'new_term', input, new_term: { field: 'country', lookback: '1d' } },
    {
      type: 'frequency',
      input: { ...input, metric: { agg: 'cardinality', field: 'country' } },
      condition: { op: 'gte', value: 3 },
    },
  ];
  const parsed = parseRule({ ...base, ...kinds[i % kinds.length] });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.rule;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function main(): Promise<void> {
  const url = process.env.TEST_ES_URL ?? 'http://127.0.0.1:9200';
  const es = new Client({ node: url, requestTimeout: 30_000 });
  const prefix = `bench-alerting-${Date.now().toString(36)}-`;
  await new IndexBootstrapper(es, { prefix }).apply(analyticsIndexSpecs);
  const index = `${prefix}data`;
  await es.indices.create({
    index,
    mappings: {
      properties: {
        '@timestamp': { type: 'date' },
        shard: { type: 'integer' },
        country: { type: 'keyword' },
      },
    },
  });
  const now = Date.now();
  const operations = Array.from({ length: DOCS }, (_, i) => [
    { index: { _index: index } },
    {
      '@timestamp': now - (i % 1200) * 1000,
      shard: i % 20,
      country: COUNTRIES[i % COUNTRIES.length],
    },
  ]).flat();
  await es.bulk({ operations, refresh: true });

  const engine = new AlertingRuntime({
    settings: {
      indexPrefix: prefix,
      apiToken: 'bench-token-0123456789',
      rulesDir: undefined,
      replicaId: 'bench',
      tickMs: 1000,
      leaseTtlMs: 15_000,
      concurrency: 8,
      webhooks: { allowlist: [], allowPrivate: false, allowLoopback: false },
    },
    elasticsearch: es,
    logger: createLogger({ serviceName: 'bench', level: 'silent' }),
    registry: createMetricsRegistry('bench'),
  });
  const rules = Array.from({ length: RULES }, (_, i) => ruleFor(i, index));

  const latencies: number[] = [];
  for (const rule of rules) {
    const started = performance.now();
    await engine.runner.run(rule);
    latencies.push(performance.now() - started);
  }
  latencies.sort((a, b) => a - b);
  console.log(
    `[bench] sequential: ${RULES} rules, latency per rule p50 ${percentile(latencies, 50).toFixed(1)} ms, ` +
      `p95 ${percentile(latencies, 95).toFixed(1)} ms, max ${latencies.at(-1)?.toFixed(1)} ms`,
  );

  for (const concurrency of [8, 16]) {
    const queue = [...rules, ...rules];
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (let rule = queue.shift(); rule; rule = queue.shift()) await engine.runner.run(rule);
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `[bench] concurrency ${concurrency}: ${((2 * RULES) / seconds).toFixed(0)} rule evaluations/s (one replica)`,
    );
  }
  // wildcard deletes are refused (action.destructive_requires_name): name every index
  const created = Object.keys(await es.indices.get({ index: `${prefix}*` }));
  await es.indices.delete({ index: created });
  await es.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
