import { testEngines } from '@meetup/test-support';
import { startFaultProxy, type FaultProxy } from '@meetup/fault-proxy';
import { AggregationHarness } from './support/aggregation-harness';
import { expectOutputsToEqualReference } from './support/expect-outputs';
import { syntheticInput } from './support/inputs';
import { computeReference } from './support/reference';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const SESSION_TIMEOUT_MS = 6_000;

describe('the aggregator when Elasticsearch answers slowly', () => {
  let harness: AggregationHarness;
  let proxy: FaultProxy | undefined;
  beforeEach(() => {
    harness = new AggregationHarness();
  });
  afterEach(async () => {
    await harness.tearDown();
    await proxy?.close();
    proxy = undefined;
  });

  it('keeps its group membership through bulk requests twice as long as the session timeout, and stays exact', async () => {
    await harness.setUp();
    const input = syntheticInput(20_000, 33);
    await harness.produce(input);
    proxy = await startFaultProxy({ upstream: testEngines().elasticsearchUrl, seed: 33 });
    // Every bulk request held 12-15 s: no answer, so no natural point to heartbeat from.
    const slowBulk = { minMs: 2 * SESSION_TIMEOUT_MS, maxMs: 2.5 * SESSION_TIMEOUT_MS };
    proxy.setPlan([{ path: /\/_bulk$/, action: { kind: 'delay', ...slowBulk } }]);
    const aggregator = await harness.startAggregator({
      ES_URL: proxy.url,
      KAFKA_SESSION_TIMEOUT_MS: String(SESSION_TIMEOUT_MS),
      LOG_LEVEL: 'info',
    });
    await sleep(40_000);
    const slowed = proxy.counts().delay;
    proxy.setPlan([]);
    await harness.waitUntilCombined();
    expectOutputsToEqualReference(await harness.outputs(), computeReference(input));

    const lines = aggregator
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { msg?: string });
    const messages = lines.map((line) => line.msg ?? '');
    expect(slowed).toBeGreaterThan(2);
    // One assignment at start-up; a member evicted for silence would join again.
    expect(messages.filter((msg) => msg === 'partitions assigned')).toHaveLength(1);
    expect(messages.filter((msg) => /abandoned|not aware of this member/i.test(msg))).toEqual([]);
  }, 300_000);
});
