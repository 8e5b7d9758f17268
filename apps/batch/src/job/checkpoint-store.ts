import { errors, type Client } from '@elastic/elasticsearch';
import type { BatchMode } from '@meetup/batch-stats';
import type { Checkpoints } from './batch-storage';

const CHECKPOINT_ID = 'checkpoint';

interface CheckpointDocument {
  kind: 'checkpoint';
  mode: BatchMode;
  /** Raw documents indexed before this time are reflected in the statistics. */
  indexed_before: string;
  completed_at: string;
}

/** Where the last successful run got to; written only after a run succeeded. */
export class CheckpointStore implements Checkpoints {
  constructor(
    private readonly client: Client,
    private readonly index: string,
  ) {}

  /** Epoch ms of the last successful run's `indexed_before`, or undefined before the first run. */
  async read(): Promise<number | undefined> {
    try {
      const found = await this.client.get<CheckpointDocument>({
        index: this.index,
        id: CHECKPOINT_ID,
      });
      return found._source ? Date.parse(found._source.indexed_before) : undefined;
    } catch (error) {
      if (error instanceof errors.ResponseError && error.statusCode === 404) return undefined;
      throw error;
    }
  }

  async save(indexedBefore: number, mode: BatchMode, now: number): Promise<void> {
    const document: CheckpointDocument = {
      kind: 'checkpoint',
      mode,
      indexed_before: new Date(indexedBefore).toISOString(),
      completed_at: new Date(now).toISOString(),
    };
    await this.client.index({ index: this.index, id: CHECKPOINT_ID, document, refresh: true });
  }
}
