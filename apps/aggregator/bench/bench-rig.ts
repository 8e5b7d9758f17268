import type { AggregationHarness } from '../test/support/aggregation-harness';
import type { PhaseCpu } from './bench-results';
import { CpuMeter, enginePids, type ProcessGroups } from './process-meter';
import { snapshotTotal } from './stream-progress';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The aggregator processes of a harness that still run. */
export function aggregatorPids(harness: AggregationHarness): number[] {
  return harness.services
    .filter((s) => s.process.exitCode === null && s.process.signalCode === null)
    .map((s) => s.process.pid ?? 0)
    .filter((pid) => pid > 0);
}

/** The newest aggregator process of a harness (the one a restart started). */
export function newestAggregatorPid(harness: AggregationHarness): number | undefined {
  return aggregatorPids(harness).at(-1);
}

/** The process groups whose CPU a phase reports. */
export function processGroups(harness: AggregationHarness, enginesName: string): ProcessGroups {
  return {
    aggregator: () => aggregatorPids(harness),
    kafka: () => enginePids(enginesName).kafka,
    elasticsearch: () => enginePids(enginesName).elasticsearch,
    bench: () => [process.pid],
  };
}

/** Runs `body` with CPU measured per process group over it, and adds the phase to `into`. */
export async function metered<T>(
  phase: string,
  groups: ProcessGroups,
  into: PhaseCpu[],
  body: () => Promise<T>,
): Promise<T> {
  const meter = new CpuMeter(groups).start();
  const started = Date.now();
  try {
    return await body();
  } finally {
    into.push({ phase, wallSeconds: (Date.now() - started) / 1000, cpu: meter.stop() });
  }
}

/** Resolves once the partitions' snapshots hold `total` records (raw-only runs have no combine stage). */
export async function waitForSnapshots(harness: AggregationHarness, total: number): Promise<void> {
  while ((await snapshotTotal(harness)) < total) await sleep(200);
}

/**
 * A metric's value from the aggregator's /metrics: the sum over the series whose labels
 * include `having` (all by default); histograms' `_sum`/`_count` by the name's suffix.
 */
export async function metric(baseUrl: string, name: string, having = ''): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name} `) || (line.startsWith(`${name}{`) && line.includes(having))) {
      total += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return total;
}
