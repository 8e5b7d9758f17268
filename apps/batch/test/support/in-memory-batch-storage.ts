import { RawFields, type CompositeSpec, type RawQuery } from '@meetup/batch-stats';
import type { BulkOperation, BulkWriteResult } from '@meetup/elasticsearch';
import {
  LockConflictError,
  type LockDocument,
  type LockDocuments,
  type LockVersion,
  type StoredLock,
} from '../../src/job/batch-lock';
import type { BatchStorage, Checkpoints, Rebuild } from '../../src/job/batch-storage';
import type { DocumentWriter } from '../../src/job/bulk-sink';
import { rebuildIndexName, type RebuildTarget } from '../../src/job/index-rebuild';
import type { SnapshotReader } from '../../src/job/point-in-time';

/** One raw RSVP document, reduced to the fields the batch aggregates on. */
export interface RawRsvp {
  id: string;
  group: string;
  event: string;
  member: string;
  mtime: number;
  indexedAt: number;
  response: 'yes' | 'no';
  guests: number;
}

const DAY_MS = 86_400_000;
const dayOf = (mtime: number) => Math.floor(mtime / DAY_MS) * DAY_MS;

const fieldOf: Record<string, (rsvp: RawRsvp) => string | number> = {
  [RawFields.groupId]: (r) => r.group,
  [RawFields.eventId]: (r) => r.event,
  [RawFields.memberId]: (r) => r.member,
  [RawFields.mtime]: (r) => r.mtime,
  [RawFields.indexedAt]: (r) => r.indexedAt,
};

/** The queries the batch sends (scope-queries.ts), evaluated as Elasticsearch would. */
function matches(query: RawQuery, rsvp: RawRsvp): boolean {
  if ('match_all' in query) return true;
  if ('terms' in query) {
    const [[field, values]] = Object.entries(query.terms as Record<string, string[]>) as [
      [string, string[]],
    ];
    return values.includes(String(fieldOf[field]!(rsvp)));
  }
  if ('range' in query) {
    const [[field, { gte, lt }]] = Object.entries(
      query.range as Record<string, { gte?: number; lt?: number }>,
    ) as [[string, { gte?: number; lt?: number }]];
    const value = Number(fieldOf[field]!(rsvp));
    return (gte === undefined || value >= gte) && (lt === undefined || value < lt);
  }
  throw new Error(`query not modelled: ${JSON.stringify(query)}`);
}

const compare = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);

/** Groups RSVPs by a key, in the composite aggregation's key order. */
function grouped<K extends Record<string, string | number>>(
  rsvps: readonly RawRsvp[],
  keyOf: (rsvp: RawRsvp) => K,
): { key: K; rsvps: RawRsvp[] }[] {
  const buckets = new Map<string, { key: K; rsvps: RawRsvp[] }>();
  for (const rsvp of rsvps) {
    const key = keyOf(rsvp);
    const id = JSON.stringify(key);
    const bucket = buckets.get(id) ?? { key, rsvps: [] };
    bucket.rsvps.push(rsvp);
    buckets.set(id, bucket);
  }
  return [...buckets.values()].sort((a, b) => {
    for (const name of Object.keys(a.key)) {
      const order = compare(a.key[name]!, b.key[name]!);
      if (order !== 0) return order;
    }
    return 0;
  });
}

const groupSource = (group: string) => ({
  group_id: Number(group),
  group_name: `group ${group}`,
  group_city: 'Berlin',
  group_country: 'de',
  group_urlname: `group-${group}`,
  group_lat: 52.5,
  group_lon: 13.4,
  group_topics: [{ topic_name: 'JavaScript', urlkey: 'javascript' }],
});

function figures(rsvps: readonly RawRsvp[]) {
  const yes = rsvps.filter((r) => r.response === 'yes');
  const latest = rsvps.reduce((a, b) =>
    compare(a.mtime, b.mtime) === 0 ? (a.id > b.id ? a : b) : a.mtime > b.mtime ? a : b,
  );
  return {
    doc_count: rsvps.length,
    yes: { doc_count: yes.length, guests: { value: yes.reduce((sum, r) => sum + r.guests, 0) } },
    no: { doc_count: rsvps.length - yes.length },
    latest: {
      hits: {
        hits: [
          {
            _source: {
              group: groupSource(latest.group),
              event: { event_id: latest.event, event_name: `event ${latest.event}` },
            },
            sort: [latest.mtime, latest.id],
          },
        ],
      },
    },
  };
}

/** The composite aggregations of composite-requests.ts, computed over the RSVPs in memory. */
function compositeBuckets(rsvps: readonly RawRsvp[], spec: CompositeSpec): object[] {
  const sources = spec.sources.map((source) => Object.keys(source)[0]).join(',');
  switch (sources) {
    case 'group':
      return grouped(rsvps, (r) => ({ group: r.group })).map((b) => ({
        key: b.key,
        doc_count: b.rsvps.length,
      }));
    case 'event':
      return grouped(rsvps, (r) => ({ event: r.event })).map((b) =>
        spec.aggs
          ? {
              key: b.key,
              ...figures(b.rsvps),
              first: { value: Math.min(...b.rsvps.map((r) => r.mtime)) },
              last: { value: Math.max(...b.rsvps.map((r) => r.mtime)) },
            }
          : { key: b.key, doc_count: b.rsvps.length },
      );
    case 'group,day':
      return grouped(rsvps, (r) => ({ group: r.group, day: dayOf(r.mtime) })).map((b) => ({
        key: b.key,
        ...figures(b.rsvps),
      }));
    case 'group,member,day':
      return grouped(rsvps, (r) => ({ group: r.group, member: r.member, day: dayOf(r.mtime) }));
    case 'group,event,day':
      return grouped(rsvps, (r) => ({ group: r.group, event: r.event, day: dayOf(r.mtime) }));
    default:
      throw new Error(`composite not modelled: ${sources}`);
  }
}

/** The lock document with Elasticsearch's optimistic concurrency (a sequence number per write). */
export class InMemoryLockDocuments implements LockDocuments {
  current: { document: LockDocument; seqNo: number } | undefined;
  private seqNo = 0;

  create(document: LockDocument): Promise<LockVersion> {
    if (this.current) return Promise.reject(new LockConflictError());
    return Promise.resolve(this.write(document));
  }

  read(): Promise<StoredLock> {
    if (!this.current) return Promise.reject(new Error('no lock document'));
    return Promise.resolve({
      document: structuredClone(this.current.document),
      seqNo: this.current.seqNo,
      primaryTerm: 1,
    });
  }

  replace(document: LockDocument, expected: LockVersion): Promise<LockVersion> {
    if (this.current?.seqNo !== expected.seqNo) return Promise.reject(new LockConflictError());
    return Promise.resolve(this.write(document));
  }

  delete(expected: LockVersion): Promise<void> {
    if (this.current?.seqNo !== expected.seqNo) return Promise.reject(new LockConflictError());
    this.current = undefined;
    return Promise.resolve();
  }

  private write(document: LockDocument): LockVersion {
    this.seqNo += 1;
    this.current = { document: structuredClone(document), seqNo: this.seqNo };
    return { seqNo: this.seqNo, primaryTerm: 1 };
  }
}

/**
 * The batch's indices in memory: raw RSVPs read through composite buckets, result
 * indices behind aliases, the lock and the checkpoint. Knobs let a test fail a step.
 */
export class InMemoryBatchStorage implements BatchStorage {
  readonly rsvps: RawRsvp[] = [];
  /** Result indices by name, and the alias → index they are read and written through. */
  readonly indices = new Map<string, Map<string, Record<string, unknown>>>();
  readonly aliases = new Map<string, string>();
  readonly lock = new InMemoryLockDocuments();
  checkpoint: { indexedBefore: number; mode: string; at: number } | undefined;
  readonly refreshed: string[][] = [];
  /** The touched-keys queries of the run, in order (what it selected). */
  readonly selections: RawQuery[] = [];
  openSnapshots = 0;
  /** Documents refused for good, by id. */
  refuse: (id: string | undefined) => boolean = () => false;
  /** Runs before each composite page (a test aborts or stalls the run here). */
  onPage: () => void = () => undefined;

  readonly writer: DocumentWriter = {
    write: (_target, operations) => Promise.resolve(this.apply(operations)),
  };

  constructor(resultAliases: readonly string[]) {
    for (const alias of resultAliases) {
      this.indices.set(`${alias}-v1-initial`, new Map());
      this.aliases.set(alias, `${alias}-v1-initial`);
    }
  }

  documents(alias: string): Map<string, Record<string, unknown>> {
    return (
      this.indices.get(this.aliases.get(alias) ?? alias) ??
      new Map<string, Record<string, unknown>>()
    );
  }

  lockDocuments(): LockDocuments {
    return this.lock;
  }

  checkpoints(): Checkpoints {
    return {
      read: () => Promise.resolve(this.checkpoint?.indexedBefore),
      save: (indexedBefore, mode, at) => {
        this.checkpoint = { indexedBefore, mode, at };
        return Promise.resolve();
      },
    };
  }

  refresh(indices: readonly string[]): Promise<void> {
    this.refreshed.push([...indices]);
    return Promise.resolve();
  }

  openSnapshot(): Promise<SnapshotReader> {
    const frozen = structuredClone(this.rsvps);
    this.openSnapshots += 1;
    const { selections } = this;
    const onPage = () => {
      this.onPage();
    };
    return Promise.resolve({
      async *buckets<B>(query: RawQuery, spec: CompositeSpec): AsyncGenerator<B> {
        if (spec.sources.length === 1 && !spec.aggs) selections.push(query);
        await Promise.resolve();
        onPage();
        const selected = frozen.filter((rsvp) => matches(query, rsvp));
        yield* compositeBuckets(selected, spec) as B[];
      },
      estimateDistinct: (query, field) =>
        Promise.resolve(
          new Set(frozen.filter((r) => matches(query, r)).map((r) => fieldOf[field]!(r))).size,
        ),
      close: () => {
        this.openSnapshots -= 1;
        return Promise.resolve();
      },
    });
  }

  rebuild(targets: readonly RebuildTarget[], stamp: string): Rebuild {
    const built = new Map(targets.map((t) => [t.alias, rebuildIndexName(t, stamp)]));
    return {
      create: () => {
        for (const index of built.values()) this.indices.set(index, new Map());
        return Promise.resolve();
      },
      indexFor: (alias) => built.get(alias) ?? '',
      swap: () => {
        const dropped: string[] = [];
        for (const [alias, index] of built) {
          const old = this.aliases.get(alias);
          if (old) dropped.push(old);
          if (old) this.indices.delete(old);
          this.aliases.set(alias, index);
        }
        return Promise.resolve(dropped);
      },
      abandon: () => {
        for (const index of built.values()) this.indices.delete(index);
        return Promise.resolve();
      },
    };
  }

  async *dayDocumentIds(groupsIndex: string, groups: readonly string[]): AsyncGenerator<string> {
    await Promise.resolve();
    for (const [id, doc] of this.documents(groupsIndex)) {
      if (doc.scope === 'day' && groups.includes(String(doc.group_id))) yield id;
    }
  }

  private apply(operations: readonly BulkOperation<null>[]): BulkWriteResult<null> {
    const result: BulkWriteResult<null> = { stored: 0, dropped: [] };
    for (const operation of operations) {
      const index = this.documents(operation.index);
      if (this.refuse(operation.id)) {
        result.dropped.push({
          ref: null,
          operation,
          status: 400,
          reason: 'mapper_parsing_exception',
        });
      } else if ('delete' in operation) {
        index.delete(operation.id);
        result.stored += 1;
      } else {
        index.set(operation.id ?? String(index.size), operation.doc as Record<string, unknown>);
        result.stored += 1;
      }
    }
    return result;
  }
}
