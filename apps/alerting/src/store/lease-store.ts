import type { Client } from '@elastic/elasticsearch';
import { isConflict, type DocVersion } from './es-errors';

export interface Lease {
  rule_id: string;
  owner: string;
  expires_at: number;
  last_run_at?: number;
  version?: DocVersion;
}

type LeaseDoc = Omit<Lease, 'version'>;

/**
 * Which replica evaluates which rule. A lease is taken or renewed only with
 * if_seq_no/if_primary_term of the version read, so two replicas racing for
 * a rule cannot both win; an expired lease (its owner died) is taken over.
 */
export class LeaseStore {
  constructor(
    private readonly es: Client,
    private readonly index: string,
  ) {}

  async getMany(ruleIds: string[]): Promise<Map<string, Lease>> {
    const leases = new Map<string, Lease>();
    if (ruleIds.length === 0) return leases;
    const { docs } = await this.es.mget<LeaseDoc>({ index: this.index, ids: ruleIds });
    for (const doc of docs) {
      if (!('found' in doc) || !doc.found || !doc._source) continue;
      leases.set(doc._id, {
        ...doc._source,
        version: { seqNo: doc._seq_no ?? 0, primaryTerm: doc._primary_term ?? 0 },
      });
    }
    return leases;
  }

  /** Writes the lease as `owner`'s if it still is at the version read; undefined when another replica won. */
  async claim(current: Lease | undefined, next: LeaseDoc): Promise<Lease | undefined> {
    try {
      const written = await this.es.index({
        index: this.index,
        id: next.rule_id,
        document: next,
        ...(current?.version
          ? { if_seq_no: current.version.seqNo, if_primary_term: current.version.primaryTerm }
          : { op_type: 'create' as const }),
      });
      return {
        ...next,
        version: { seqNo: written._seq_no ?? 0, primaryTerm: written._primary_term ?? 0 },
      };
    } catch (error) {
      if (isConflict(error)) return undefined;
      throw error;
    }
  }
}
