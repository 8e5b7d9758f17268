/**
 * Batch job speed and memory: BENCH_RSVPS raw RSVPs (default 1,000,000) bulk-loaded
 * into a fresh raw index, a full run, then 1 % new RSVPs and an incremental run.
 * Prints duration, scanned RSVPs per second and the job's peak RSS.
 * Run: TEST_KAFKA_BROKERS=… TEST_ES_URL=… BENCH=batch tools/bench.sh
 */
// eslint-disable-next-line @nx/enforce-module-boundaries -- a benchmark drives the real job, as the integration tests do
import { testElasticsearch } from '@meetup/test-support';
import { BatchTestIndices, logLines } from '../test/support/batch-env';
import { seededRsvps, take } from '../test/support/seeded-rsvps';

const TOTAL = Number(process.env.BENCH_RSVPS ?? 1_000_000);

async function loadInBatches(
  indices: BatchTestIndices,
  stream: Iterator<never> | Generator,
  count: number,
  indexedAt: Date,
): Promise<void> {
  for (let done = 0; done < count; done += 50_000) {
    await indices.load(take(stream as never, Math.min(50_000, count - done)), indexedAt);
  }
}

async function timedRun(indices: BatchTestIndices, args: string[]) {
  const started = Date.now();
  const run = await indices.runBatch(args, { BATCH_PROGRESS_INTERVAL_MS: '10000' });
  const seconds = (Date.now() - started) / 1000;
  const finished = logLines(run.output).find((line) => line.msg === 'batch finished') as
    { metrics: Record<string, number>; peakRssBytes: number } | undefined;
  if (run.code !== 0 || !finished) throw new Error(`batch failed:\n${run.output}`);
  const scanned = finished.metrics.meetup_batch_documents_scanned ?? 0;
  return {
    args: args.join(' '),
    seconds,
    jobSeconds: finished.metrics.meetup_batch_duration_seconds,
    scanned,
    scannedPerSecond: Math.round(
      scanned / (finished.metrics.meetup_batch_duration_seconds ?? seconds),
    ),
    groupDocs: finished.metrics.meetup_batch_groups_written,
    eventDocs: finished.metrics.meetup_batch_events_written,
    peakRssMiB: Math.round(finished.peakRssBytes / 1048576),
  };
}

async function main(): Promise<void> {
  const es = testElasticsearch();
  const indices = new BatchTestIndices(es);
  await indices.bootstrap();
  const stream = seededRsvps({
    seed: 11,
    groups: 5_000,
    eventsPerGroup: 20,
    members: 200_000,
    startMs: Date.parse('2017-01-01T00:00:00Z'),
    days: 180,
    changeRate: 0.15,
  });
  const loadStarted = Date.now();
  await loadInBatches(indices, stream, TOTAL, new Date(Date.now() - 3_600_000));
  console.log(JSON.stringify({ loaded: TOTAL, loadSeconds: (Date.now() - loadStarted) / 1000 }));
  console.log(JSON.stringify(await timedRun(indices, ['--mode', 'full'])));
  await loadInBatches(indices, stream, Math.round(TOTAL / 100), new Date());
  console.log(JSON.stringify(await timedRun(indices, ['--mode', 'incremental'])));
  if (process.env.BENCH_KEEP !== 'true') {
    const created = await es.indices.get({ index: `${indices.prefix}*` });
    await es.indices.delete({ index: Object.keys(created) });
  }
  await es.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
