import type { BatchMode } from '@meetup/batch-stats';
import type { LockDocuments } from './batch-lock';
import type { DocumentWriter } from './bulk-sink';
import type { RebuildTarget } from './index-rebuild';
import type { SnapshotReader } from './point-in-time';

/** Where the last successful run got to. */
export interface Checkpoints {
  /** Epoch ms of the last successful run's `indexed_before`, or undefined before the first run. */
  read(): Promise<number | undefined>;
  save(indexedBefore: number, mode: BatchMode, now: number): Promise<void>;
}

/** New versioned indices for a full rebuild, swapped in under their aliases at once. */
export interface Rebuild {
  create(): Promise<void>;
  indexFor(alias: string): string;
  /** Swaps every alias to its new index; answers the old indices it dropped. */
  swap(): Promise<string[]>;
  /** Drops the half-built indices of a run that failed. */
  abandon(): Promise<void>;
}

/**
 * Everything a batch run reads and writes, by index name: Elasticsearch in
 * production (`elasticsearchBatchStorage`), memory in the runner's unit tests.
 */
export interface BatchStorage {
  lockDocuments(stateIndex: string): LockDocuments;
  checkpoints(stateIndex: string): Checkpoints;
  /** Makes what was written so far searchable. */
  refresh(indices: readonly string[]): Promise<void>;
  openSnapshot(rawIndex: string): Promise<SnapshotReader>;
  rebuild(targets: readonly RebuildTarget[], stamp: string): Rebuild;
  writer: DocumentWriter;
  /** Ids of the day documents (`scope: day`) of these groups in the groups index. */
  dayDocumentIds(groupsIndex: string, groups: readonly string[]): AsyncIterable<string>;
}
