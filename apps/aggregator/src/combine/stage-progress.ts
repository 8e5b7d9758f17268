import { bucketStart } from '@meetup/windowing';
import type { Client } from '@elastic/elasticsearch';

/** What a combine stage has finished, kept in the aggregator's state index. */
export interface StageProgress {
  kind: 'combine';
  stage: string;
  /** Buckets (country) or windows (trending, by end) before this are final and written. */
  final_before: number;
  /**
   * Event time of the first counted activity ever seen (trending baselines
   * start there). Kept because retention drops the oldest activity.
   */
  history_start?: number;
  /** Partition snapshot offsets whose activity this stage's results include in full. */
  offsets: Record<string, number>;
  stamp: number;
  updated_at: string;
}

/** A combine stage's progress `_id`, beside the partition snapshots' (`group|topic|partition`). */
export function progressIdOf(group: string, topic: string, stage: string): string {
  return `${group}|${topic}|combine-${stage}`;
}

/** Where a stage's progress document is kept. */
export interface ProgressDocument {
  /** The stored progress, undefined when the stage never saved any. */
  read(): Promise<StageProgress | undefined>;
  /** Stores `progress` unless one with a newer stamp is stored already (that one stays). */
  write(progress: StageProgress): Promise<void>;
}

/**
 * The progress document in the aggregator's state index (`_id` = group|topic|combine-<stage>),
 * written with external version = the cycle's stamp, so a slower former leader never moves it
 * back: Elasticsearch answers its write 409, which leaves the newer one in place.
 */
export function elasticsearchProgressDocument(
  es: Client,
  index: string,
  id: string,
): ProgressDocument {
  return {
    read: async () => {
      const found = await es.get<StageProgress>({ index, id }, { ignore: [404] });
      return found.found ? found._source : undefined;
    },
    write: async (progress) => {
      await es.index(
        { index, id, document: progress, version: progress.stamp, version_type: 'external' },
        { ignore: [409] },
      );
    },
  };
}

/**
 * A combine stage's progress, read once per leadership and kept in memory; each cycle gets a
 * stamp above every earlier one, which its writes and its progress document carry.
 */
export class StageProgressStore {
  private current: StageProgress | undefined;
  private lastStamp = 0;

  constructor(
    private readonly document: ProgressDocument,
    private readonly stage: string,
  ) {}

  /** The final mark held in memory; undefined until this leadership has read it. */
  get finalBefore(): number | undefined {
    return this.current?.final_before;
  }

  /** A new leadership reads the stored progress again. */
  forget(): void {
    this.current = undefined;
  }

  /** The progress so far and the new cycle's stamp (above every earlier one, taken before its reads). */
  async begin(): Promise<{ progress: StageProgress; stamp: number }> {
    const progress = (this.current ??= await this.load());
    const stamp = (this.lastStamp = nextStamp(Date.now(), this.lastStamp, progress.stamp));
    return { progress, stamp };
  }

  async save(progress: StageProgress): Promise<void> {
    await this.document.write(progress);
    this.current = progress;
  }

  private async load(): Promise<StageProgress> {
    return (await this.document.read()) ?? noProgress(this.stage);
  }
}

/**
 * A cycle's stamp (the progress document's external version): above this member's earlier
 * stamps even when its clock stands still or steps back, and above the stored one even when a
 * former leader's clock ran ahead, so that the new leader's writes are never refused.
 */
export function nextStamp(now: number, lastStamp: number, storedStamp: number): number {
  return Math.max(now, lastStamp + 1, storedStamp + 1);
}

/** The progress of a stage that never completed a cycle: nothing final, no activity included. */
export function noProgress(stage: string): StageProgress {
  return {
    kind: 'combine',
    stage,
    final_before: 0,
    offsets: {},
    stamp: 0,
    updated_at: new Date(0).toISOString(),
  };
}

/**
 * The new final mark: the start of the bucket `closedBefore` falls in, but not past what the
 * cycle read (`reach`), and never back; unchanged while the global watermark is unknown.
 */
export function nextFinalBefore(
  finalBefore: number,
  closedBefore: number,
  reach: number,
  bucketMs: number,
): number {
  return Number.isFinite(closedBefore)
    ? Math.max(finalBefore, Math.min(bucketStart(closedBefore, bucketMs), reach))
    : finalBefore;
}
