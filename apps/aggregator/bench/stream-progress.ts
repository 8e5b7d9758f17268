import { IndexAliases } from '@meetup/contracts';
import { combinedThrough } from '../test/support/aggregation-harness';
import type { ProbeTarget } from './visibility-probe';

/** How a wait for the aggregator ended. */
export type Settled = 'combined' | 'stalled' | 'timeout';

/** With no new records, final marks unchanged this long mean the combine went as far as it can. */
const STALL_MS = 15_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Records the partitions' snapshots hold (stage 1), summed over partitions. */
export async function snapshotTotal(
  target: Pick<ProbeTarget, 'es' | 'prefix' | 'topic'>,
): Promise<number> {
  const index = target.prefix + IndexAliases.aggregatorState;
  await target.es.indices.refresh({ index }).catch(() => undefined);
  const found = await target.es.search<{ offset?: number; kind: string; topic?: string }>({
    index,
    size: 100,
  });
  return found.hits.hits
    .filter((h) => h._source?.kind === 'partition' && h._source.topic === target.topic)
    .reduce((sum, h) => sum + (h._source?.offset ?? 0), 0);
}

/** Both combine stages' final marks, as one comparable string. */
async function finalMarks(target: ProbeTarget): Promise<string> {
  const marks: string[] = [];
  for (const stage of ['country', 'trending']) {
    const found = await target.es.get<{ final_before?: number }>(
      {
        index: target.prefix + IndexAliases.aggregatorState,
        id: `${target.group}|${target.topic}|combine-${stage}`,
      },
      { ignore: [404] },
    );
    marks.push(String(found._source?.final_before ?? ''));
  }
  return marks.join('|');
}

/**
 * Waits at most `seconds` until the aggregator has done what it can with the records so
 * far: both combine stages included them all (`combined`), or stage 1 holds them all and
 * the stages' final marks stopped moving (`stalled`: the open buckets and windows hold
 * more partial documents than COMBINE_READ_BUDGET, so a cycle is a slice that never
 * includes the snapshots' offsets, and without new records finality cannot move).
 */
export async function settleAggregator(target: ProbeTarget, seconds: number): Promise<Settled> {
  const deadline = Date.now() + seconds * 1000;
  const ends = await target.admin.fetchTopicOffsets(target.topic);
  const total = ends.reduce((sum, e) => sum + Number(e.high), 0);
  let marks = '';
  let since = Date.now();
  while (Date.now() < deadline) {
    if (await combinedThrough(target.es, target, ends)) return 'combined';
    const now = await finalMarks(target);
    if (now !== marks) {
      marks = now;
      since = Date.now();
    } else if (Date.now() - since >= STALL_MS && (await snapshotTotal(target)) >= total) {
      return 'stalled';
    }
    await sleep(500);
  }
  return 'timeout';
}
