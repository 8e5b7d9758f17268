import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import {
  allRsvps,
  eventsIn,
  groupsIn,
  RawFields,
  touchedKeysSpec,
  type BatchMode,
  type BatchRunPlan,
  type RawQuery,
} from '@meetup/batch-stats';
import { IndexAliases } from '@meetup/contracts';
import { withSpan, type Logger } from '@meetup/observability';
import type { BatchJobConfig } from '../config/batch.config';
import { BatchLock } from './batch-lock';
import type { BatchStorage } from './batch-storage';
import { BulkSink } from './bulk-sink';
import { computeEvents } from './event-stats.computation';
import { computeGroups } from './group-stats.computation';
import type { SnapshotReader } from './point-in-time';
import type { ProgressReporter } from './progress-reporter';
import { chunked, nextCheckpoint, planRun, templateVersionOf } from './run-plan';

export interface BatchOutcome {
  /** The mode that ran: an incremental run without a checkpoint is a full rebuild. */
  mode: BatchMode;
  documentsScanned: number;
  groupsWritten: number;
  eventsWritten: number;
  documentsDeleted: number;
}

export interface BatchRunnerDeps {
  storage: BatchStorage;
  config: BatchJobConfig;
  logger: Logger;
  progress: ProgressReporter;
  now?: () => number;
}

interface KeyBucket {
  key: Record<string, string>;
  doc_count: number;
}

interface RunContext {
  snapshot: SnapshotReader;
  computedAt: string;
  /** Throws when the run must stop (signal, lost lock); called between pages. */
  guard: () => void;
}

/** One run of the batch: lock, snapshot of the raw index, computation, checkpoint. */
export class BatchRunner {
  private readonly now: () => number;
  private readonly names: { raw: string; groups: string; events: string; state: string };

  constructor(private readonly deps: BatchRunnerDeps) {
    this.now = deps.now ?? Date.now;
    const prefix = deps.config.indexPrefix;
    this.names = {
      raw: prefix + IndexAliases.rsvps,
      groups: prefix + IndexAliases.groups,
      events: prefix + IndexAliases.events,
      state: prefix + IndexAliases.batchState,
    };
  }

  async run(plan: BatchRunPlan, signal: AbortSignal): Promise<BatchOutcome> {
    const owner = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
    const lock = new BatchLock(this.deps.storage.lockDocuments(this.names.state), {
      owner,
      ttlMs: this.deps.config.lockTtlMs,
      now: this.now,
    });
    await withSpan('batch.lock', {}, () => lock.acquire(plan.mode));
    this.deps.logger.info({ owner, mode: plan.mode }, 'batch lock acquired');
    try {
      return await this.runLocked(plan, () => {
        signal.throwIfAborted();
        lock.assertHeld();
      });
    } finally {
      this.deps.progress.finish();
      await lock.release();
    }
  }

  private async runLocked(plan: BatchRunPlan, guard: () => void): Promise<BatchOutcome> {
    const { storage, config, logger } = this.deps;
    // Taken before the refresh: whatever was indexed before it is in the snapshot, or
    // (written late by a slow aggregator batch) within the checkpoint overlap.
    const startedAt = this.now();
    await storage.refresh([this.names.raw]);
    const checkpoints = storage.checkpoints(this.names.state);
    const checkpoint = await checkpoints.read();
    const planned = planRun(plan, checkpoint);
    logger.info({ mode: planned.mode, requested: plan.mode, checkpoint }, 'batch run starting');
    const snapshot = await storage.openSnapshot(this.names.raw);
    const context: RunContext = { snapshot, computedAt: new Date(startedAt).toISOString(), guard };
    let outcome: BatchOutcome;
    try {
      outcome =
        planned.mode === 'full'
          ? await this.rebuild(context)
          : await this.update(context, planned.mode, planned.touched);
    } finally {
      await snapshot.close().catch((error: unknown) => {
        logger.warn({ err: error }, 'closing the point in time failed');
      });
    }
    if (planned.movesCheckpoint) {
      const indexedBefore = nextCheckpoint(startedAt, config.checkpointOverlapMs);
      await withSpan('batch.checkpoint', {}, () =>
        checkpoints.save(indexedBefore, planned.mode, this.now()),
      );
    }
    return outcome;
  }

  /** Full rebuild into new versioned indices, then one atomic alias swap. */
  private async rebuild(context: RunContext): Promise<BatchOutcome> {
    const { storage } = this.deps;
    const stamp = new Date(this.now()).toISOString().replace(/\D/g, '');
    const rebuild = storage.rebuild(
      [IndexAliases.groups, IndexAliases.events].map((alias) => ({
        alias: this.deps.config.indexPrefix + alias,
        // By the unprefixed alias: the specs name their aliases without the index prefix.
        version: templateVersionOf(alias),
      })),
      stamp,
    );
    await rebuild.create();
    try {
      const groupSink = new BulkSink(storage.writer, rebuild.indexFor(this.names.groups));
      const eventSink = new BulkSink(storage.writer, rebuild.indexFor(this.names.events));
      const scanned = await withSpan('batch.groups', {}, () =>
        this.groupsPhase(context, allRsvps(), groupSink, false),
      );
      await withSpan('batch.events', {}, () => this.eventsPhase(context, allRsvps(), eventSink));
      const dropped = await withSpan('batch.swap', {}, () => rebuild.swap());
      this.deps.logger.info({ dropped }, 'batch indices swapped');
      return {
        mode: 'full',
        documentsScanned: scanned,
        groupsWritten: groupSink.written,
        eventsWritten: eventSink.written,
        documentsDeleted: 0,
      };
    } catch (error) {
      await rebuild.abandon().catch((cleanup: unknown) => {
        this.deps.logger.warn({ err: cleanup }, 'dropping the half-built indices failed');
      });
      throw error;
    }
  }

  /**
   * Incremental and range runs: every group and event touched by the selected
   * RSVPs is recomputed whole, in chunks, into the live indices. A whole group,
   * because a changed answer can move an RSVP to another day: the day it left
   * is found as a day document no longer produced, and deleted.
   */
  private async update(
    context: RunContext,
    mode: BatchMode,
    touched: RawQuery,
  ): Promise<BatchOutcome> {
    const { storage } = this.deps;
    const groupSink = new BulkSink(storage.writer, this.names.groups);
    const eventSink = new BulkSink(storage.writer, this.names.events);
    const scanned = await withSpan('batch.groups', {}, () =>
      this.groupsPhase(context, touched, groupSink, true),
    );
    await withSpan('batch.events', {}, () => this.eventsPhase(context, touched, eventSink));
    await storage.refresh([this.names.groups, this.names.events]);
    return {
      mode,
      documentsScanned: scanned,
      groupsWritten: groupSink.written,
      eventsWritten: eventSink.written,
      documentsDeleted: groupSink.deleted,
    };
  }

  /**
   * Recomputes every group the selected RSVPs touch, whole, chunk by chunk.
   * Updates also delete the group's day documents not produced again: a
   * changed answer can move an RSVP to another day and empty the day it left.
   */
  private async groupsPhase(
    context: RunContext,
    touched: RawQuery,
    sink: BulkSink,
    removeStale: boolean,
  ): Promise<number> {
    const { config, progress } = this.deps;
    const { snapshot } = context;
    progress.start('groups', await snapshot.estimateDistinct(touched, RawFields.groupId));
    const keys = snapshot.buckets<KeyBucket>(touched, touchedKeysSpec('group'));
    let scanned = 0;
    for await (const chunk of chunked(keys, 'group', config.groupsPerChunk, config.rsvpsPerChunk)) {
      const pass = await computeGroups(snapshot, groupsIn(chunk), sink, {
        computedAt: context.computedAt,
        collectDayIds: removeStale,
        onGroup: (rsvps) => {
          progress.advance(1, rsvps);
        },
        beforePage: context.guard,
      });
      scanned += pass.rsvps;
      if (removeStale) await sink.delete(await this.staleDays(chunk, pass.dayIds));
    }
    await sink.flush();
    progress.finish();
    return scanned;
  }

  /** Recomputes every event the selected RSVPs touch, whole, chunk by chunk. */
  private async eventsPhase(context: RunContext, touched: RawQuery, sink: BulkSink): Promise<void> {
    const { config, progress } = this.deps;
    const { snapshot } = context;
    progress.start('events', await snapshot.estimateDistinct(touched, RawFields.eventId));
    const keys = snapshot.buckets<KeyBucket>(touched, touchedKeysSpec('event'));
    for await (const chunk of chunked(keys, 'event', config.eventsPerChunk, config.rsvpsPerChunk)) {
      await computeEvents(snapshot, eventsIn(chunk), sink, {
        computedAt: context.computedAt,
        onEvent: (rsvps) => {
          progress.advance(1, rsvps);
        },
        beforePage: context.guard,
      });
    }
    await sink.flush();
    progress.finish();
  }

  /** Day documents of the groups that this run did not produce again. */
  private async staleDays(
    groups: readonly string[],
    written: ReadonlySet<string>,
  ): Promise<string[]> {
    const stale: string[] = [];
    for await (const id of this.deps.storage.dayDocumentIds(this.names.groups, groups)) {
      if (!written.has(id)) stale.push(id);
    }
    return stale;
  }
}
