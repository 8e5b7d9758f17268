import {
  fixKafkaRequestQueue,
  loadRequestQueue,
  type KafkaRequestQueue,
} from './request-queue-fix';

/** kafkajs's per-connection queue, as a connection makes it (no instrumentation). */
function newQueue(): KafkaRequestQueue {
  const RequestQueue = loadRequestQueue() as unknown as new (options: object) => KafkaRequestQueue;
  return new RequestQueue({
    maxInFlightRequests: null,
    requestTimeout: 30_000,
    enforceRequestTimeout: false,
    clientId: 'request-queue-fix-spec',
    broker: '127.0.0.1:9',
    logger: { debug: () => undefined, warn: () => undefined },
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** How often the queue re-arms its check timer in `ms` after an answered request, left idle. */
async function rearmsWhileIdle(queue: KafkaRequestQueue, ms: number): Promise<number> {
  let armed = 0;
  const schedule = queue.scheduleCheckPendingRequests.bind(queue);
  queue.scheduleCheckPendingRequests = () => {
    armed += 1;
    schedule();
  };
  queue.checkPendingRequests(); // what every answered request does (fulfillRequest)
  await sleep(ms);
  if (queue.throttleCheckTimeoutId) clearTimeout(queue.throttleCheckTimeoutId);
  return armed;
}

describe("kafkajs's request queue, fixed", () => {
  // One Jest module registry per test file: kafkajs is loaded unfixed here.
  it('as released, spins a 1 ms timer on an idle connection (the flaw the fix is for)', async () => {
    const rearmed = await rearmsWhileIdle(newQueue(), 100);
    expect(rearmed).toBeGreaterThan(10);
  });

  it('applies to the installed kafkajs, once', () => {
    expect(fixKafkaRequestQueue()).toBe(true);
    expect(fixKafkaRequestQueue()).toBe(true);
  });

  it('arms no timer while no request is held back', async () => {
    fixKafkaRequestQueue();
    const queue = newQueue();
    expect(await rearmsWhileIdle(queue, 100)).toBe(1);
    expect(queue.throttleCheckTimeoutId).toBeNull();
  });

  it('still sends a held-back request when the throttle ends, then goes idle', async () => {
    fixKafkaRequestQueue();
    const queue = newQueue();
    const sent: number[] = [];
    const request = { correlationId: 7, expectResponse: true, send: () => sent.push(Date.now()) };
    const throttledFrom = Date.now();
    queue.throttledUntil = throttledFrom + 40;
    queue.pending.push(request);
    queue.scheduleCheckPendingRequests();
    expect(queue.throttleCheckTimeoutId).not.toBeNull();

    await sleep(150);
    expect(sent).toHaveLength(1);
    expect(sent[0]! - throttledFrom).toBeGreaterThanOrEqual(35);
    expect(queue.pending).toEqual([]);
    expect(queue.throttleCheckTimeoutId).toBeNull();
  });

  it('leaves a method that is not the flawed one alone', () => {
    class OtherQueue {
      scheduleCheckPendingRequests(): void {
        // another kafkajs version's code
      }
    }
    const before = OtherQueue.prototype.scheduleCheckPendingRequests;
    expect(
      fixKafkaRequestQueue(OtherQueue as unknown as Parameters<typeof fixKafkaRequestQueue>[0]),
    ).toBe(false);
    expect(OtherQueue.prototype.scheduleCheckPendingRequests).toBe(before);
  });
});
