/**
 * Waits `ms`, or less when `signal` aborts: resolves true when the whole time passed, false
 * when it was cut short (never rejects, so a stopping loop needs no try/catch; it checks
 * the signal or the answer). An already aborted signal resolves false at once.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve(true);
      },
      Math.max(0, ms),
    );
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
