import type { IdentifiedDocument } from '@meetup/batch-stats';
import { BulkWriteError, type BulkOperation, type BulkWriteResult } from '@meetup/elasticsearch';

/** Where a sink hands its operations: `BulkWriter` (requests sized in bytes, retried with backoff). */
export interface DocumentWriter {
  write(target: string, operations: readonly BulkOperation<null>[]): Promise<BulkWriteResult<null>>;
}

/**
 * Buffers the result documents of one index and hands them to the bulk writer
 * (requests sized in bytes, retried with backoff) `batchSize` operations at a
 * time, one hand-over in flight while the next fills, so memory stays bounded
 * and reading and writing overlap. Ids come from the data, so a re-run
 * overwrites. Any document Elasticsearch refuses fails the run: a batch result
 * is all or nothing.
 */
export class BulkSink {
  private operations: BulkOperation<null>[] = [];
  private inFlight: Promise<void> = Promise.resolve();
  written = 0;
  deleted = 0;

  constructor(
    private readonly writer: DocumentWriter,
    private readonly index: string,
    private readonly batchSize = 2_000,
  ) {}

  async write(docs: readonly IdentifiedDocument<object>[]): Promise<void> {
    for (const { id, document } of docs) {
      this.operations.push({ index: this.index, id, doc: document, ref: null });
    }
    this.written += docs.length;
    if (this.operations.length >= this.batchSize) await this.send();
  }

  async delete(ids: readonly string[]): Promise<void> {
    for (const id of ids) this.operations.push({ delete: true, index: this.index, id, ref: null });
    this.deleted += ids.length;
    if (this.operations.length >= this.batchSize) await this.send();
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
    this.inFlight = this.writer.write(this.index, operations).then(({ dropped }) => {
      const [first] = dropped;
      if (!first) return;
      throw new BulkWriteError(
        `bulk write into ${this.index}: ${dropped.length} documents refused (${first.status}: ${first.reason})`,
      );
    });
    // A failure surfaces at the next send or flush; avoid an unhandled rejection meanwhile.
    this.inFlight.catch(() => undefined);
  }
}
