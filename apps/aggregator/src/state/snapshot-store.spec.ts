import { gunzipSync } from 'node:zlib';
import { errors } from '@elastic/elasticsearch';
import {
  freshPartitionState,
  isNewerSnapshotStored,
  snapshotIdOf,
  progressOfSnapshots,
  snapshotDocumentOf,
  type PartitionSnapshotDocument,
  stateOfSnapshot,
} from './snapshot-store';

const limits = {
  allowedLatenessMs: 60_000,
  dedupHorizonMs: 3_600_000,
  partials: { bucketMs: 60_000, paneMs: 10_000 },
};
const owner = { group: 'meetup-aggregator', topic: 'meetup.rsvps' };
const now = new Date('2026-03-01T12:00:00Z');

describe('freshPartitionState', () => {
  it('starts at the given offset with nothing known, no watermark and nothing to snapshot', () => {
    const state = freshPartitionState(5, 42, limits);
    expect(state.partition).toBe(5);
    expect(state.nextOffset).toBe(42);
    expect(state.dedup.size).toBe(0);
    expect(state.dedup.horizonMs).toBe(3_600_000);
    expect(state.watermark.value).toBe(Number.NEGATIVE_INFINITY);
    expect(state.partials.size).toBe(0);
    expect(state.dirty).toBe(false);
  });
});

describe('snapshotDocumentOf', () => {
  it('records the next offset, the watermark and the compressed dedup state of the partition', () => {
    const state = freshPartitionState(3, 0, limits);
    state.dedup.apply({ rsvp_id: 11, mtime: 1_000, response: 'yes', guests: 2 }, 0);
    state.watermark.advance(1_000);
    state.nextOffset = 17;
    const doc = snapshotDocumentOf(state, owner, now);
    expect(doc).toMatchObject({
      kind: 'partition',
      group: 'meetup-aggregator',
      topic: 'meetup.rsvps',
      partition: 3,
      offset: 17,
      watermark: 1_000,
      updated_at: '2026-03-01T12:00:00.000Z',
    });
    expect(gunzipSync(Buffer.from(doc.dedup, 'base64')).toString()).toBe('11,1000,y,2');
  });

  it('stores no watermark and an empty dedup state for a partition that saw no valid record', () => {
    const doc = snapshotDocumentOf(freshPartitionState(0, 9, limits), owner, now);
    expect(doc.watermark).toBeNull();
    expect(doc.dedup).toBe('');
    expect(doc.partials).toBe('');
  });
});

describe('stateOfSnapshot', () => {
  it('restores a state that decides as the one snapshotted', () => {
    const before = freshPartitionState(2, 0, limits);
    before.dedup.apply({ rsvp_id: 1, mtime: 500_000, response: 'yes', guests: 0 }, 0);
    before.dedup.apply({ rsvp_id: 2, mtime: 600_000, response: 'no', guests: 0 }, 500_000);
    before.watermark.advance(600_000);
    before.nextOffset = 128;
    const after = stateOfSnapshot(snapshotDocumentOf(before, owner, now), limits);
    expect(after.partition).toBe(2);
    expect(after.nextOffset).toBe(128);
    expect(after.dedup.serialize()).toBe(before.dedup.serialize());
    expect(after.watermark.value).toBe(600_000);
    // The same verdicts: a resend of 1 does not count, a late answer is late.
    expect(
      after.dedup.apply({ rsvp_id: 1, mtime: 700_000, response: 'yes', guests: 0 }, 600_000),
    ).toBe('resend');
    expect(after.watermark.isLate(600_000 - 60_001)).toBe(true);
    expect(after.watermark.isLate(600_000 - 60_000)).toBe(false);
  });

  it('restores the open partials, so the counts go on from where the snapshot stood', () => {
    const before = freshPartitionState(2, 0, limits);
    const counted = { country: 'gb', response: 'yes' as const, guests: 1, attendees: 2 };
    before.partials.add({ ...counted, mtime: 600_000, topics: ['run\tRunning'] });
    before.partials.add({ ...counted, mtime: 665_000, topics: [] });
    const after = stateOfSnapshot(snapshotDocumentOf(before, owner, now), limits);
    expect(after.partials.open()).toEqual(before.partials.open());
    expect(after.partials.size).toBe(3);
  });

  it('restores a snapshot written before the partials existed with none', () => {
    const older: Partial<PartitionSnapshotDocument> = snapshotDocumentOf(
      freshPartitionState(1, 3, limits),
      owner,
      now,
    );
    delete older.partials;
    expect(stateOfSnapshot(older as PartitionSnapshotDocument, limits).partials.size).toBe(0);
  });

  it('restores a partition snapshotted before its first valid record without a watermark', () => {
    const after = stateOfSnapshot(
      snapshotDocumentOf(freshPartitionState(1, 3, limits), owner, now),
      limits,
    );
    expect(after.watermark.value).toBe(Number.NEGATIVE_INFINITY);
    expect(after.dedup.size).toBe(0);
    expect(after.nextOffset).toBe(3);
  });
});

describe('progressOfSnapshots', () => {
  it('reads the offsets and watermarks of the snapshots found, leaving out those missing or unreadable', () => {
    const progress = progressOfSnapshots([
      {
        _index: 'meetup_aggregator_state-000001',
        _id: 'meetup-aggregator|meetup.rsvps|0',
        _version: 120,
        _seq_no: 7,
        _primary_term: 1,
        found: true,
        _source: { partition: 0, offset: 120, watermark: 1_700_000_000_000 },
      },
      {
        _index: 'meetup_aggregator_state-000001',
        _id: 'meetup-aggregator|meetup.rsvps|1',
        found: false,
      },
      {
        _index: 'meetup_aggregator_state-000001',
        _id: 'meetup-aggregator|meetup.rsvps|2',
        found: true,
        _source: { partition: 2, offset: 4, watermark: null },
      },
      {
        _index: 'meetup_aggregator_state-000001',
        _id: 'meetup-aggregator|meetup.rsvps|3',
        error: { type: 'no_shard_available_action_exception', reason: 'No shard available' },
      },
    ]);
    expect([...progress.entries()]).toEqual([
      [0, { partition: 0, offset: 120, watermark: 1_700_000_000_000 }],
      [2, { partition: 2, offset: 4, watermark: null }],
    ]);
  });
});

describe('snapshotIdOf', () => {
  it('names one snapshot per consumer group, topic and partition', () => {
    expect(snapshotIdOf('meetup-aggregator', 'meetup.rsvps', 3)).toBe(
      'meetup-aggregator|meetup.rsvps|3',
    );
    expect(snapshotIdOf('other-group', 'meetup.rsvps', 3)).not.toBe(
      snapshotIdOf('meetup-aggregator', 'meetup.rsvps', 3),
    );
  });
});

describe('isNewerSnapshotStored', () => {
  /** An answer of Elasticsearch to the snapshot's index request, as the client reports it. */
  const answered = (statusCode: number, type: string, reason: string) =>
    new errors.ResponseError({
      statusCode,
      body: {
        error: {
          root_cause: [{ type, reason }],
          type,
          reason,
          index: 'meetup_aggregator_state-000001',
        },
        status: statusCode,
      },
      headers: {},
      warnings: null,
      meta: {
        context: null,
        name: 'elasticsearch-js',
        request: {
          params: { method: 'PUT', path: '/meetup_aggregator_state/_doc/x' },
          options: {},
          id: 1,
        },
        connection: null,
        attempts: 0,
        aborted: false,
      },
    });

  it('is a version conflict: the stored snapshot has an offset at least as far', () => {
    const conflict = answered(
      409,
      'version_conflict_engine_exception',
      '[meetup-aggregator|meetup.rsvps|0]: version conflict, current version [120] is higher or equal to the one provided [100]',
    );
    expect(isNewerSnapshotStored(conflict)).toBe(true);
  });

  it('is no other refusal and no failure to answer', () => {
    expect(
      isNewerSnapshotStored(
        answered(403, 'cluster_block_exception', 'index [meetup_aggregator_state] blocked'),
      ),
    ).toBe(false);
    expect(
      isNewerSnapshotStored(new errors.ConnectionError('connect ECONNREFUSED 127.0.0.1:9200')),
    ).toBe(false);
  });
});
