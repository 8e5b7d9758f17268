import { errors, type Client } from '@elastic/elasticsearch';
import { BulkWriter } from '@meetup/elasticsearch';
import {
  LockConflictError,
  type LockDocument,
  type LockDocuments,
  type LockVersion,
  type StoredLock,
} from './batch-lock';
import type { BatchStorage } from './batch-storage';
import { CheckpointStore } from './checkpoint-store';
import { IndexRebuild } from './index-rebuild';
import { RawSnapshot } from './point-in-time';

const LOCK_ID = 'lock';

/** A 409 (the document exists, or moved past the version read) as the lock's conflict. */
async function orConflict<T>(request: Promise<T>): Promise<T> {
  try {
    return await request;
  } catch (error) {
    if (error instanceof errors.ResponseError && error.statusCode === 409) {
      throw new LockConflictError({ cause: error });
    }
    throw error;
  }
}

const versionOf = (written: { _seq_no?: number; _primary_term?: number }): LockVersion => ({
  seqNo: written._seq_no,
  primaryTerm: written._primary_term,
});

/** The lock document `lock` of the state index, written with `op_type: create` or `if_seq_no`. */
export class ElasticsearchLockDocuments implements LockDocuments {
  constructor(
    private readonly client: Client,
    private readonly index: string,
  ) {}

  async create(document: LockDocument): Promise<LockVersion> {
    const { client, index } = this;
    return versionOf(
      await orConflict(client.index({ index, id: LOCK_ID, op_type: 'create', document })),
    );
  }

  async read(): Promise<StoredLock> {
    const current = await this.client.get<LockDocument>({ index: this.index, id: LOCK_ID });
    return { document: current._source, ...versionOf(current) };
  }

  async replace(document: LockDocument, expected: LockVersion): Promise<LockVersion> {
    const { client, index } = this;
    const { seqNo: if_seq_no, primaryTerm: if_primary_term } = expected;
    return versionOf(
      await orConflict(client.index({ index, id: LOCK_ID, document, if_seq_no, if_primary_term })),
    );
  }

  async delete(expected: LockVersion): Promise<void> {
    await this.client.delete({
      index: this.index,
      id: LOCK_ID,
      if_seq_no: expected.seqNo,
      if_primary_term: expected.primaryTerm,
      refresh: true,
    });
  }
}

async function* dayDocumentIds(
  client: Client,
  index: string,
  groups: readonly string[],
): AsyncGenerator<string> {
  const pages = client.helpers.scrollSearch({
    index,
    size: 5_000,
    _source: false,
    query: { bool: { filter: [{ terms: { group_id: [...groups] } }, { term: { scope: 'day' } }] } },
  });
  for await (const page of pages) {
    for (const hit of page.body.hits.hits) if (hit._id !== undefined) yield hit._id;
  }
}

/** The batch's storage in Elasticsearch. */
export function elasticsearchBatchStorage(client: Client): BatchStorage {
  return {
    lockDocuments: (index) => new ElasticsearchLockDocuments(client, index),
    checkpoints: (index) => new CheckpointStore(client, index),
    refresh: async (indices) => {
      await client.indices.refresh({ index: [...indices] });
    },
    openSnapshot: (index) => RawSnapshot.open(client, index),
    rebuild: (targets, stamp) => new IndexRebuild(client, targets, stamp),
    writer: new BulkWriter({ client }),
    dayDocumentIds: (index, groups) => dayDocumentIds(client, index, groups),
  };
}
