import { IndexAliases } from '@meetup/contracts';
import { metricSum, waitFor } from '@meetup/test-support';
import { AggregationHarness, type OutputDocs } from './support/aggregation-harness';
import { expectOutputsToEqualReference } from './support/expect-outputs';
import { producedRecord } from './support/inputs';
import { computeReference, DEFAULT_SETTINGS, type ProducedRecord } from './support/reference';
import { syntheticStream } from './support/synthetic-stream';

/** Small windows, so that a quiet stream closes them all within half a minute. */
const SETTINGS = {
  ...DEFAULT_SETTINGS,
  bucketMs: 10_000,
  windowMs: 20_000,
  slideMs: 2_000,
  latenessMs: 4_000,
};
const ENV = {
  COUNTRY_BUCKET_MS: String(SETTINGS.bucketMs),
  TRENDING_WINDOW_MS: String(SETTINGS.windowMs),
  TRENDING_SLIDE_MS: String(SETTINGS.slideMs),
  ALLOWED_LATENESS_MS: String(SETTINGS.latenessMs),
  PARTIALS_RETENTION_MS: '600000',
  STREAM_IDLE_MS: '1000',
};

function burst(seed: number, startMtime: number, firstRsvpId: number): ProducedRecord[] {
  return syntheticStream({
    seed,
    records: 3_000,
    startMtime,
    ratePerSecond: 20,
    resendShare: 0.1,
    changeShare: 0.05,
    reorderShare: 0.1,
    lateShare: 0,
    firstRsvpId,
  }).map(producedRecord);
}

const newestOf = (records: readonly ProducedRecord[]) =>
  Math.max(...records.map((r) => (JSON.parse(r.value.toString()) as { mtime: number }).mtime));

/** Documents of the aggregate outputs that are not final yet. */
async function openDocuments(harness: AggregationHarness): Promise<number> {
  let open = 0;
  for (const alias of [
    IndexAliases.rsvpByCountry,
    IndexAliases.globalTrendingTopics,
    IndexAliases.countryTrendingTopics,
  ]) {
    const index = harness.prefix + alias;
    await harness.es.indices.refresh({ index });
    open += (await harness.es.count({ index, query: { term: { final: false } } })).count;
  }
  return open;
}

describe('the aggregator when the stream goes quiet', () => {
  let harness: AggregationHarness;
  beforeEach(() => {
    harness = new AggregationHarness();
  });
  afterEach(() => harness.tearDown());

  /** Resolves once the outputs equal `input`'s reference with every window closed, all final. */
  async function untilAllClosed(input: readonly ProducedRecord[]): Promise<OutputDocs> {
    const reference = computeReference(input, SETTINGS, { untilQuiet: true });
    let outputs: OutputDocs | undefined;
    let open = -1;
    await waitFor(
      async () => {
        open = await openDocuments(harness);
        if (open > 0) return false;
        outputs = await harness.outputs();
        return outputs.globalTrending.size === reference.globalTrending.size;
      },
      () =>
        `every window closed (${open} documents open, ${outputs?.globalTrending.size} of ` +
        `${reference.globalTrending.size} global trending windows)`,
      120_000,
      1_000,
    );
    expectOutputsToEqualReference(outputs ?? (await harness.outputs()), reference);
    return outputs ?? (await harness.outputs());
  }

  it('emits and closes the windows after the last record of a stream that ended, and counts the records of one that resumes', async () => {
    await harness.setUp();
    const first = burst(31, Date.UTC(2024, 4, 6, 9), 1);
    // Without idleness the windows after the last record are never written: here they must be.
    const atEnd = computeReference(first, SETTINGS);
    const quiet = computeReference(first, SETTINGS, { untilQuiet: true });
    expect(quiet.globalTrending.size).toBeGreaterThan(atEnd.globalTrending.size);

    await harness.produce(first);
    const aggregator = await harness.startAggregator(ENV);
    await untilAllClosed(first);
    expect(
      await metricSum(`${aggregator.baseUrl}/metrics`, 'meetup_aggregator_idle_markers_total'),
    ).toBeGreaterThan(0);

    // The stream resumes a minute of event time later: its records count, and close in turn.
    const second = burst(32, newestOf(first) + 60_000, 1_000_000);
    await harness.produce(second);
    await untilAllClosed([...first, ...second]);
  });
});
