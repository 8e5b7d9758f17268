import type { Client, estypes } from '@elastic/elasticsearch';
import type { IdentifiedDocument } from '@meetup/batch-stats';

export class BulkWriteError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'BulkWriteError';
  }
}

type Operation = estypes.BulkOperationContainer | Record<string, unknown>;

/**
 * Writes result documents in bulk requests of bounded size, one request in
 * flight while the next batch fills, so memory stays bounded and reading and
 * writing overlap. Ids come from the data, so a re-run overwrites.
 */
export class BulkSink {
  private operations: Operation[] = [];
  private inFlight: Promise<void> = Promise.resolve();
  private pending = 0;
  written = 0;
  deleted = 0;

  constructor(
    private readonly client: Client,
    private readonly index: string,
    private readonly batchSize = 2_000,
  ) {}

  async write(docs: readonly IdentifiedDocument<object>[]): Promise<void> {
    for (const { id, document } of docs) {
      this.operations.push({ index: { _index: this.index, _id: id } }, document);
      this.pending += 1;
    }
    this.written += docs.length;
    if (this.pending >= this.batchSize) await this.send();
  }

  async delete(ids: readonly string[]): Promise<void> {
    for (const id of ids) this.operations.push({ delete: { _index: this.index, _id: id } });
    this.pending += ids.length;
    this.deleted += ids.length;
    if (this.pending >= this.batchSize) await this.send();
  }

  /** Sends what is buffered and waits until everything is written. */
  async flush(): Promise<void> {
    await this.send();
    await this.inFlight;
  }

  private async send(): Promise<void> {
    await this.inFlight;
    if (this.operations.length === 0) return;
    const operations = this.operations;
    this.operations = [];
    this.pending = 0;
    this.inFlight = this.client.bulk({ operations }).then((response) => {
      if (!response.errors) return;
      const failed = response.items.find((item) => {
        const result = Object.values(item)[0];
        return result?.error !== undefined && !(result.status === 404 && 'delete' in item);
      });
      if (!failed) return;
      throw new BulkWriteError(`bulk write into ${this.index} failed`, {
        cause: Object.values(failed)[0]?.error,
      });
    });
    // A failure surfaces at the next send or flush; avoid an unhandled rejection meanwhile.
    this.inFlight.catch(() => undefined);
  }
}
