import { Client, errors } from '@elastic/elasticsearch';
import { testElasticsearch, testEngines, uniqueName } from '@meetup/test-support';
import { startFaultProxy, type FaultProxy } from '../src';

/** Resolves to how a call ended, so a test can look at a pending call without awaiting it. */
function settle<T>(call: Promise<T>) {
  const state: { done: boolean; value?: T; error?: unknown } = { done: false };
  const finished = call.then(
    (value) => Object.assign(state, { done: true, value }),
    (error: unknown) => Object.assign(state, { done: true, error }),
  );
  return { state, finished };
}

async function failureOf(call: Promise<unknown>): Promise<Error> {
  try {
    await call;
  } catch (error) {
    return error as Error;
  }
  throw new Error('the request succeeded');
}

describe('the fault proxy in front of the test Elasticsearch', () => {
  const index = uniqueName('fault-proxy');
  const direct = testElasticsearch();
  let proxy: FaultProxy;
  let client: Client;

  const indexed = async (id: string): Promise<boolean> => {
    await direct.indices.refresh({ index });
    return (await direct.exists({ index, id })).valueOf();
  };
  const bulkOne = (id: string) =>
    client.bulk({ operations: [{ index: { _index: index, _id: id } }, { n: 1 }] });

  beforeAll(async () => {
    proxy = await startFaultProxy({ upstream: testEngines().elasticsearchUrl, seed: 11 });
    // No retries in the client: each test sees exactly what the proxy did to one request.
    client = new Client({ node: proxy.url, maxRetries: 0, requestTimeout: 30_000 });
    await direct.indices.create({ index });
  });

  afterEach(() => {
    proxy.setPlan([]);
  });

  afterAll(async () => {
    await client.close();
    await proxy.close();
    await direct.indices.delete({ index });
    await direct.close();
  });

  it('forwards every request untouched when the plan is empty', async () => {
    const before = proxy.counts().forwarded;
    const health = await client.cluster.health();
    await client.index({ index, id: 'plain', document: { n: 1 } });
    expect(health.cluster_name).toBe((await direct.cluster.health()).cluster_name);
    expect(await indexed('plain')).toBe(true);
    expect(proxy.counts().forwarded).toBe(before + 2);
  });

  it('answers bulk requests with 429 on schedule while other requests pass, and nothing is written', async () => {
    proxy.setPlan([{ method: 'POST', path: /\/_bulk$/, action: { kind: 'status', status: 429 } }]);
    const error = await failureOf(bulkOne('rejected'));
    expect(error).toBeInstanceOf(errors.ResponseError);
    expect((error as errors.ResponseError).statusCode).toBe(429);
    expect((error as errors.ResponseError).body).toMatchObject({
      error: { type: 'es_rejected_execution_exception' },
    });
    expect((await client.cluster.health()).number_of_nodes).toBeGreaterThan(0);
    expect(await indexed('rejected')).toBe(false);
  });

  it('resets the connection before Elasticsearch sees the request', async () => {
    proxy.setPlan([{ path: /\/_bulk$/, action: { kind: 'reset' } }]);
    const error = await failureOf(bulkOne('reset'));
    expect(error).toBeInstanceOf(errors.ConnectionError);
    expect(await indexed('reset')).toBe(false);
  });

  it('loses the answer of a request Elasticsearch has carried out', async () => {
    proxy.setPlan([{ path: /\/_bulk$/, action: { kind: 'lose-answer' } }]);
    const error = await failureOf(bulkOne('done-unseen'));
    expect(error).toBeInstanceOf(errors.ConnectionError);
    // The write happened: a client that retries it must be idempotent.
    expect(await indexed('done-unseen')).toBe(true);
  });

  it('stalls requests until the plan changes, then forwards them', async () => {
    proxy.setPlan([{ path: /\/_bulk$/, action: { kind: 'stall' } }]);
    const stalled = settle(bulkOne('stalled'));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(stalled.state.done).toBe(false);
    expect(await indexed('stalled')).toBe(false);
    proxy.setPlan([]);
    await stalled.finished;
    expect(stalled.state.error).toBeUndefined();
    expect(stalled.state.value).toMatchObject({ errors: false });
    expect(await indexed('stalled')).toBe(true);
  });

  it('delays requests by the planned time and then forwards them', async () => {
    proxy.setPlan([{ path: /\/_bulk$/, action: { kind: 'delay', minMs: 1_500, maxMs: 1_500 } }]);
    const delayed = settle(bulkOne('delayed'));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(delayed.state.done).toBe(false);
    await delayed.finished;
    expect(delayed.state.value).toMatchObject({ errors: false });
    expect(await indexed('delayed')).toBe(true);
  });

  it('hits the planned share of requests and counts each fault', async () => {
    const before = proxy.counts();
    proxy.setPlan([{ path: /\/_bulk$/, rate: 0.5, action: { kind: 'status', status: 503 } }]);
    const ids = Array.from({ length: 40 }, (_, i) => `share-${i}`);
    const outcomes = await Promise.all(
      ids.map((id) =>
        bulkOne(id).then(
          () => 'written',
          (error: unknown) => (error as errors.ResponseError).statusCode,
        ),
      ),
    );
    const written = ids.filter((_, i) => outcomes[i] === 'written');
    const refused = outcomes.filter((outcome) => outcome === 503).length;
    expect(written.length + refused).toBe(40);
    expect(refused).toBeGreaterThan(5);
    expect(refused).toBeLessThan(35);
    expect(proxy.counts().status - before.status).toBe(refused);
    expect(proxy.counts().forwarded - before.forwarded).toBe(written.length);
    // Exactly the answered requests reached Elasticsearch.
    const { docs } = await direct.mget({ index, ids });
    const found = docs.filter((doc) => 'found' in doc && doc.found).map((doc) => doc._id);
    expect(found.sort()).toEqual([...written].sort());
  });
});
