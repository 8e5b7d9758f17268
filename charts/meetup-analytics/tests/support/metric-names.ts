import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createMetricsRegistry } from '@meetup/observability';
import { repoRoot } from './helm';

const services = ['simulator', 'ingestor', 'aggregator', 'batch', 'alerting'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

/**
 * Metric names the services export: the `meetup_<app>_*` names registered in each app's
 * sources (metric constructors and gauge tables), plus prom-client's default process and
 * Node.js metrics that every service registry carries (read from a real registry).
 */
export async function exportedMetricNames(): Promise<Set<string>> {
  const names = new Set<string>();
  const pattern = new RegExp(`\\b(meetup_(?:${services.join('|')})_[a-z0-9_]+)\\b`, 'g');
  for (const app of services) {
    for (const file of sourceFiles(join(repoRoot, 'apps', app, 'src'))) {
      for (const match of readFileSync(file, 'utf8').matchAll(pattern)) names.add(match[1] ?? '');
    }
  }
  const registry = createMetricsRegistry('chart-test');
  for (const metric of await registry.getMetricsAsJSON()) names.add(metric.name);
  registry.clear();
  return names;
}

/** Metric names a PromQL expression reads (`_bucket`/`_sum`/`_count` belong to their histogram). */
export function metricsInPromQl(expr: string): string[] {
  const withoutLabels = expr.replace(/\{[^}]*\}/g, '').replace(/\[[^\]]*\]/g, '');
  const functions = new Set([
    'sum',
    'rate',
    'max',
    'min',
    'avg',
    'by',
    'time',
    'delta',
    'histogram_quantile',
    'and',
    'or',
    'le',
    'increase',
    'without',
    'count',
    'absent',
    'absent_over_time',
    'unless',
    'on',
    'ignoring',
  ]);
  return [...withoutLabels.matchAll(/\b([a-z_][a-z0-9_]*)\b(?!\s*\()/g)]
    .map((m) => m[1] ?? '')
    .filter((name) => !functions.has(name) && name.includes('_'))
    .map((name) => name.replace(/_(bucket|sum|count)$/, ''));
}

/**
 * Metrics the rules read that no service of ours exports, and who does: Prometheus' own
 * scrape series (`up` needs no listing: a name without `_` is never checked) and Strimzi's
 * Kafka Exporter (kafka.strimzi.kafkaExporter).
 */
export const metricsFromOutside: Record<string, string> = {
  kafka_consumergroup_lag:
    'Strimzi Kafka Exporter (danielqsj/kafka_exporter): lag per group, topic, partition',
};
