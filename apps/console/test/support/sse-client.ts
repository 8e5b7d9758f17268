/** A Server-Sent Events reader for tests: fetch + the text/event-stream framing. */
export interface SseEvent {
  id: string | undefined;
  event: string;
  data: string;
  /** When the event was read (ms). */
  at: number;
}

export class SseClient {
  readonly events: SseEvent[] = [];
  status = 0;
  private readonly abort = new AbortController();
  private readonly waiters = new Set<() => void>();
  private reading: Promise<void> = Promise.resolve();

  private constructor(readonly url: string) {}

  /** Opens the stream; resolves once the response headers arrived. */
  static async open(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const client = new SseClient(url);
    const response = await fetch(url, {
      headers: { Accept: 'text/event-stream', ...headers },
      signal: client.abort.signal,
    });
    client.status = response.status;
    if (response.body !== null && response.ok) client.reading = client.read(response.body);
    return client;
  }

  /** Resolves with the first event (from now on, or already read) for which `match` holds. */
  async waitFor(
    match: (event: SseEvent) => boolean,
    timeoutMs: number,
    what: string,
  ): Promise<SseEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find(match);
      if (found !== undefined) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no event ${what} within ${timeoutMs} ms from ${this.url}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.add(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async close(): Promise<void> {
    this.abort.abort();
    await this.reading.catch(() => undefined);
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of body) {
      buffer += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        this.parse(frame);
      }
    }
  }

  private parse(frame: string): void {
    let id: string | undefined;
    let event = 'message';
    const data: string[] = [];
    for (const line of frame.split('\n')) {
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'id') id = value;
      else if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
    }
    if (data.length === 0) return;
    this.events.push({ id, event, data: data.join('\n'), at: Date.now() });
    for (const wake of this.waiters) wake();
    this.waiters.clear();
  }
}
