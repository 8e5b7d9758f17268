// eslint-disable-next-line @nx/enforce-module-boundaries -- a benchmark uses the engines as the integration tests do
import { testElasticsearch, uniqueName } from '@meetup/test-support';
import { syntheticInput } from '../test/support/inputs';
import { Seeds, type BenchPlan } from './bench-plan';
import type { PhaseCpu } from './bench-results';
import { metered } from './bench-rig';
import { bulkCeiling, stageOneDocs, type CeilingResult } from './es-ceiling';
import { enginePids } from './process-meter';

const WARMUP_RECORDS = 5_000;

/**
 * Elasticsearch alone, on the backlog's records: the raw documents, then the raw and
 * partial documents, each into scratch indices of their own (no 409s from the other run),
 * after an untimed warm-up of their own.
 */
export async function ceilingPhase(
  plan: BenchPlan,
  cpu: PhaseCpu[],
): Promise<{ raw: CeilingResult; all: CeilingResult }> {
  const es = testElasticsearch();
  const groups = {
    elasticsearch: () => enginePids(plan.enginesName).elasticsearch,
    bench: () => [process.pid],
  };
  try {
    const input = syntheticInput(plan.backlogRecords, Seeds.backlog);
    const run = async (partials: boolean) => {
      const prefix = `${uniqueName('bench-ceiling')}-`;
      const docs = stageOneDocs(input, prefix, es, partials);
      const phase = partials ? 'ceiling raw+partials' : 'ceiling raw';
      return metered(phase, groups, cpu, () => bulkCeiling(es, prefix, input.length, docs));
    };
    // A cold engine (JIT, first indices) is slower for its first thousands of documents: not timed.
    const warmPrefix = `${uniqueName('bench-warmup')}-`;
    const warm = input.slice(0, WARMUP_RECORDS);
    await bulkCeiling(es, warmPrefix, warm.length, stageOneDocs(warm, warmPrefix, es, true));
    return { raw: await run(false), all: await run(true) };
  } finally {
    await es.close();
  }
}
