import { gunzipSync, gzipSync } from 'node:zlib';
import { errors, type Client, type estypes } from '@elastic/elasticsearch';
import { PartitionPartials, type PartialsSettings } from '@meetup/partition-partials';
import { RsvpDedupState } from '@meetup/rsvp-dedup';
import { PartitionWatermark } from '@meetup/windowing';
import { PartitionState } from '../pipeline/partition-state';

export interface PartitionSnapshotDocument {
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
  /**
   * gzip + base64 of `PartitionPartials.serialize()`: the open buckets and panes as of
   * `offset` (the closed ones are written final before it); unmapped.
   */
  partials: string;
  updated_at: string;
}

export interface PartitionProgress {
  partition: number;
  offset: number;
  watermark: number | null;
}

/** What a partition's decisions are configured with (the state a snapshot restores). */
export interface PartitionStateLimits {
  allowedLatenessMs: number;
  dedupHorizonMs: number;
  /** The bucket and pane lengths of the partials. */
  partials: PartialsSettings;
}

export interface SnapshotStoreOptions extends PartitionStateLimits {
  es: Client;
  index: string;
  group: string;
  topic: string;
}

/** A partition snapshot's `_id`: one per consumer group, topic and partition. */
export function snapshotIdOf(group: string, topic: string, partition: number): string {
  return `${group}|${topic}|${partition}`;
}

/**
 * Elasticsearch refused a snapshot because the stored one has a greater or equal offset (its
 * external version): a newer owner of the partition got further, and its snapshot stays.
 */
export function isNewerSnapshotStored(error: unknown): boolean {
  return error instanceof errors.ResponseError && error.statusCode === 409;
}

/** The state of a partition never snapshotted, starting at `offset`. */
export function freshPartitionState(
  partition: number,
  offset: number,
  limits: PartitionStateLimits,
): PartitionState {
  return new PartitionState(
    partition,
    offset,
    new RsvpDedupState({ horizonMs: limits.dedupHorizonMs }),
    new PartitionWatermark(limits.allowedLatenessMs),
    new PartitionPartials(limits.partials),
  );
}

const gzipText = (text: string) => (text === '' ? '' : gzipSync(text).toString('base64'));
const gunzipText = (data: string | undefined) =>
  data === undefined || data === '' ? '' : gunzipSync(Buffer.from(data, 'base64')).toString();

/** The snapshot document of a partition's state (its dedup state as is: evict first). */
export function snapshotDocumentOf(
  state: PartitionState,
  owner: { group: string; topic: string },
  now: Date,
): PartitionSnapshotDocument {
  return {
    kind: 'partition',
    group: owner.group,
    topic: owner.topic,
    partition: state.partition,
    offset: state.nextOffset,
    watermark: Number.isFinite(state.watermark.value) ? state.watermark.value : null,
    dedup: gzipText(state.dedup.serialize()),
    partials: gzipText(state.partials.size === 0 ? '' : state.partials.serialize()),
    updated_at: now.toISOString(),
  };
}

/** The partition state a snapshot document restores. */
export function stateOfSnapshot(
  source: PartitionSnapshotDocument,
  limits: PartitionStateLimits,
): PartitionState {
  return new PartitionState(
    source.partition,
    source.offset,
    RsvpDedupState.deserialize(gunzipText(source.dedup), { horizonMs: limits.dedupHorizonMs }),
    new PartitionWatermark(limits.allowedLatenessMs, source.watermark ?? Number.NEGATIVE_INFINITY),
    // A snapshot written before the partials existed holds none.
    PartitionPartials.deserialize(gunzipText(source.partials), limits.partials),
  );
}

/** Offsets and watermarks of the snapshots an `mget` found (missing ones left out). */
export function progressOfSnapshots(
  docs: readonly estypes.MgetResponseItem<
    Pick<PartitionSnapshotDocument, keyof PartitionProgress>
  >[],
): Map<number, PartitionProgress> {
  const result = new Map<number, PartitionProgress>();
  for (const doc of docs) {
    if ('found' in doc && doc.found && doc._source) {
      const { partition, offset, watermark } = doc._source;
      result.set(partition, { partition, offset, watermark });
    }
  }
  return result;
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
    return snapshotIdOf(this.options.group, this.options.topic, partition);
  }

  async load(partition: number): Promise<PartitionState | undefined> {
    const { es, index } = this.options;
    const found = await es.get<PartitionSnapshotDocument>(
      { index, id: this.idOf(partition) },
      { ignore: [404] },
    );
    const source = found.found ? found._source : undefined;
    return source ? stateOfSnapshot({ ...source, partition }, this.options) : undefined;
  }

  fresh(partition: number, offset: number): PartitionState {
    return freshPartitionState(partition, offset, this.options);
  }

  async save(state: PartitionState): Promise<void> {
    state.dedup.evict(state.watermark.value);
    const doc = snapshotDocumentOf(state, this.options, new Date());
    try {
      await this.options.es.index({
        index: this.options.index,
        id: this.idOf(state.partition),
        document: doc,
        version: state.nextOffset,
        version_type: 'external',
      });
    } catch (error) {
      if (!isNewerSnapshotStored(error)) throw error;
    }
    state.dirty = false;
    state.snapshotAt = Date.now();
  }

  /** Offsets and watermarks of the given partitions (without the dedup state). */
  async progress(partitions: readonly number[]): Promise<Map<number, PartitionProgress>> {
    if (partitions.length === 0) return new Map();
    const response = await this.options.es.mget<PartitionSnapshotDocument>({
      index: this.options.index,
      ids: partitions.map((p) => this.idOf(p)),
      _source_includes: ['partition', 'offset', 'watermark'],
    });
    return progressOfSnapshots(response.docs);
  }
}
