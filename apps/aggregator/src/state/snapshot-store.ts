import { gunzipSync, gzipSync } from 'node:zlib';
import { errors, type Client } from '@elastic/elasticsearch';
import { RsvpDedupState } from '@meetup/rsvp-dedup';
import { PartitionWatermark } from '@meetup/windowing';
import { PartitionState } from '../pipeline/partition-state';

interface PartitionSnapshotDocument {
  kind: 'partition';
  group: string;
  topic: string;
  partition: number;
  /** The next offset to read: everything before it is durably written. */
  offset: number;
  /** null until the partition saw a valid record. */
  watermark: number | null;
  /** gzip + base64 of `RsvpDedupState.serialize()`; unmapped. */
  dedup: string;
  updated_at: string;
}

export interface PartitionProgress {
  partition: number;
  offset: number;
  watermark: number | null;
}

export interface SnapshotStoreOptions {
  es: Client;
  index: string;
  group: string;
  topic: string;
  allowedLatenessMs: number;
  dedupHorizonMs: number;
}

/**
 * Per-partition recovery points in Elasticsearch. A snapshot is written only
 * after every output of the records before its offset is durable, with
 * external version = offset, so an older snapshot (a slow former owner of
 * the partition) never replaces a newer one.
 */
export class SnapshotStore {
  constructor(private readonly options: SnapshotStoreOptions) {}

  idOf(partition: number): string {
    return `${this.options.group}|${this.options.topic}|${partition}`;
  }

  async load(partition: number): Promise<PartitionState | undefined> {
    const { es, index } = this.options;
    const found = await es.get<PartitionSnapshotDocument>(
      { index, id: this.idOf(partition) },
      { ignore: [404] },
    );
    const source = found.found ? found._source : undefined;
    if (!source) return undefined;
    const text =
      source.dedup === '' ? '' : gunzipSync(Buffer.from(source.dedup, 'base64')).toString();
    return new PartitionState(
      partition,
      source.offset,
      RsvpDedupState.deserialize(text, { horizonMs: this.options.dedupHorizonMs }),
      new PartitionWatermark(
        this.options.allowedLatenessMs,
        source.watermark ?? Number.NEGATIVE_INFINITY,
      ),
    );
  }

  fresh(partition: number, offset: number): PartitionState {
    return new PartitionState(
      partition,
      offset,
      new RsvpDedupState({ horizonMs: this.options.dedupHorizonMs }),
      new PartitionWatermark(this.options.allowedLatenessMs),
    );
  }

  async save(state: PartitionState): Promise<void> {
    state.dedup.evict(state.watermark.value);
    const text = state.dedup.serialize();
    const watermark = Number.isFinite(state.watermark.value) ? state.watermark.value : null;
    const doc: PartitionSnapshotDocument = {
      kind: 'partition',
      group: this.options.group,
      topic: this.options.topic,
      partition: state.partition,
      offset: state.nextOffset,
      watermark,
      dedup: text === '' ? '' : gzipSync(text).toString('base64'),
      updated_at: new Date().toISOString(),
    };
    try {
      await this.options.es.index({
        index: this.options.index,
        id: this.idOf(state.partition),
        document: doc,
        version: state.nextOffset,
        version_type: 'external',
      });
    } catch (error) {
      if (!(error instanceof errors.ResponseError && error.statusCode === 409)) throw error;
    }
    state.dirty = false;
    state.snapshotAt = Date.now();
  }

  /** Offsets and watermarks of the given partitions (without the dedup state). */
  async progress(partitions: readonly number[]): Promise<Map<number, PartitionProgress>> {
    const result = new Map<number, PartitionProgress>();
    if (partitions.length === 0) return result;
    const response = await this.options.es.mget<PartitionSnapshotDocument>({
      index: this.options.index,
      ids: partitions.map((p) => this.idOf(p)),
      _source_includes: ['partition', 'offset', 'watermark'],
    });
    for (const doc of response.docs) {
      if ('found' in doc && doc.found && doc._source) {
        const { partition, offset, watermark } = doc._source;
        result.set(partition, { partition, offset, watermark });
      }
    }
    return result;
  }
}
