/** Waiting on a running system from a test: a condition, a metric. */

/**
 * Resolves once `check` holds; rejects after `timeoutMs` saying what it waited for
 * (`what` may be a function, evaluated then, to describe the state at that moment).
 */
export async function waitFor(
  check: () => Promise<boolean> | boolean,
  what: string | (() => string),
  timeoutMs = 150_000,
  intervalMs = 250,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${typeof what === 'string' ? what : what()}`,
  );
}

/** A metric's value summed over its label sets, from a Prometheus text endpoint. */
export async function metricSum(metricsUrl: string, name: string): Promise<number> {
  const text = await fetch(metricsUrl).then((r) => r.text());
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}
