import { CheckpointStore, type Checkpoint } from './checkpoint-store';
import type { PendingRecord } from './ingest-buffer';
import { SourcePosition } from './source-position';

export interface SourceProgressOptions {
  /** This replica's index: with the source's name, the key of its checkpoints. */
  replica: number;
  /** At most one checkpoint write per interval (and one on shutdown). */
  checkpointIntervalMs: number;
}

export interface ResumePoint {
  key: string;
  /** The stored checkpoint's mtime; undefined when the source has none. */
  checkpoint: number | undefined;
  position: SourcePosition;
}

export interface DueCheckpoint {
  key: string;
  checkpoint: Checkpoint;
}

/**
 * The position of every source of this replica: where it resumes, what Kafka acknowledged,
 * which checkpoints are due, and how far each source's newest record lags behind the clock.
 */
export class SourceProgress {
  private readonly positions = new Map<string, SourcePosition>();
  /** The last checkpoint written (or read at start) per source. */
  private readonly saved = new Map<string, number>();
  private lastCheckpointAt = 0;

  constructor(private readonly options: SourceProgressOptions) {}

  /** Starts `source` at its stored checkpoint, if any. */
  resume(source: string, stored: ReadonlyMap<string, Checkpoint>): ResumePoint {
    const key = CheckpointStore.keyOf(source, this.options.replica);
    const checkpoint = stored.get(key)?.mtime;
    const position = new SourcePosition(checkpoint);
    this.positions.set(source, position);
    if (checkpoint !== undefined) this.saved.set(source, checkpoint);
    return { key, checkpoint, position };
  }

  position(source: string): SourcePosition | undefined {
    return this.positions.get(source);
  }

  /** A batch Kafka acknowledged, in arrival order: each source moves by its records in it. */
  acknowledged(records: readonly PendingRecord[]): void {
    const bySource = new Map<string, { count: number; watermark: number | undefined }>();
    for (const record of records) {
      const entry = bySource.get(record.source) ?? { count: 0, watermark: undefined };
      entry.count += 1;
      entry.watermark = record.watermark ?? entry.watermark;
      bySource.set(record.source, entry);
    }
    for (const [source, { count, watermark }] of bySource) {
      this.positions.get(source)?.acknowledged(count, watermark);
    }
  }

  /** The checkpoints whose position moved since they were last written, at most once per interval. */
  dueCheckpoints(now: number): DueCheckpoint[] {
    if (now - this.lastCheckpointAt < this.options.checkpointIntervalMs) return [];
    this.lastCheckpointAt = now;
    const due: DueCheckpoint[] = [];
    for (const [source, position] of this.positions) {
      const done = position.done;
      if (done === undefined || this.saved.get(source) === done) continue;
      this.saved.set(source, done);
      due.push({
        key: CheckpointStore.keyOf(source, this.options.replica),
        checkpoint: { mtime: done },
      });
    }
    return due;
  }

  /** The next `dueCheckpoints` answers whatever moved, however recent the last write (shutdown). */
  checkpointNextTime(): void {
    this.lastCheckpointAt = 0;
  }

  /** Now minus the newest mtime received, in seconds, per source that received any. */
  lagSeconds(now: number): Map<string, number> {
    const lags = new Map<string, number>();
    for (const [source, position] of this.positions) {
      if (position.received !== undefined) lags.set(source, (now - position.received) / 1_000);
    }
    return lags;
  }
}
