/** The part of kafkajs's internal per-connection RequestQueue the fix replaces and reads. */
export interface KafkaRequestQueue {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
}

interface RequestQueueClass {
  prototype: KafkaRequestQueue;
}

/** kafkajs's interval for looking at held-back requests again (CHECK_PENDING_REQUESTS_INTERVAL). */
const CHECK_PENDING_REQUESTS_INTERVAL_MS = 10;

/** What kafkajs 2.2.4's method computes its delay with (the fix applies only to that code). */
const FLAWED_DELAY = 'this.throttledUntil - Date.now()';

const FIXED = Symbol.for('meetup.kafkajs.requestQueueFix');

/**
 * kafkajs 2.2.4 (its last release) arms a timer after every answered request to look again
 * at the requests it holds back for client-side throttling, even when it holds none. The delay
 * is then `throttledUntil - now`, negative (`throttledUntil` starts at -1), which Node turns
 * into 1 ms with a TimeoutNegativeWarning on stderr — and the timer's callback arms the next
 * timer. Each broker connection spins a 1 ms timer for as long as it lives (measured on an
 * idle admin connection over 5 s: 2,656 re-arms and 204 ms of CPU; fixed, 0 and 18 ms).
 *
 * The replacement arms the timer only while requests are held back, for the rest of the
 * throttle or kafkajs's 10 ms interval, exactly as kafkajs does then; with nothing held back
 * there is nothing to look at, and the next held-back request arms it again (`push`). Applied
 * once per process, only to the method as kafkajs 2.2.4 wrote it; returns whether the method
 * is the fixed one.
 */
export function fixKafkaRequestQueue(
  requestQueue: RequestQueueClass = loadRequestQueue(),
): boolean {
  const proto = requestQueue.prototype as KafkaRequestQueue & { [FIXED]?: true };
  if (proto[FIXED]) return true;
  const original: unknown = Object.getOwnPropertyDescriptor(
    proto,
    'scheduleCheckPendingRequests',
  )?.value;
  if (typeof original !== 'function' || !original.toString().includes(FLAWED_DELAY)) return false;
  proto.scheduleCheckPendingRequests = function scheduleCheckPendingRequests(
    this: KafkaRequestQueue,
  ): void {
    if (this.throttleCheckTimeoutId || this.pending.length === 0) return;
    const throttledForMs = this.throttledUntil - Date.now();
    this.throttleCheckTimeoutId = setTimeout(
      () => {
        this.throttleCheckTimeoutId = null;
        this.checkPendingRequests();
      },
      throttledForMs > 0 ? throttledForMs : CHECK_PENDING_REQUESTS_INTERVAL_MS,
    );
  };
  proto[FIXED] = true;
  return true;
}

/** kafkajs's own RequestQueue module: the one instance every kafkajs connection uses. */
export function loadRequestQueue(): RequestQueueClass {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- an internal kafkajs module, in none of its types
  return require('kafkajs/src/network/requestQueue') as RequestQueueClass;
}
