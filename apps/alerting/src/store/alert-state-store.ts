import type { Client } from '@elastic/elasticsearch';
import { emptyRuleState, type RuleAlertState } from '@meetup/alert-rules';
import { isConflict, isNotFound, type DocVersion } from './es-errors';

export interface VersionedState {
  state: RuleAlertState;
  /** Absent when the rule has no state yet (the write then creates it). */
  version: DocVersion | undefined;
}

/** `groups` is unindexed: it holds the rule's episode counter and its alerts. */
interface StateDoc {
  rule_id: string;
  groups: { last_episode: number; alerts: RuleAlertState['groups'] };
  snoozed_until?: number;
  updated_at: number;
  replica: string;
}

export class StateConflictError extends Error {
  constructor(ruleId: string, options?: ErrorOptions) {
    super(`alert state of rule ${ruleId} changed since it was read`, options);
    this.name = 'StateConflictError';
  }
}

/** One document per rule, read in real time and written only at the version read. */
export class AlertStateStore {
  constructor(
    private readonly es: Client,
    private readonly index: string,
  ) {}

  async get(ruleId: string): Promise<VersionedState> {
    try {
      const doc = await this.es.get<StateDoc>({ index: this.index, id: ruleId });
      if (!doc.found || !doc._source) return { state: emptyRuleState(ruleId), version: undefined };
      return {
        state: fromDoc(doc._source),
        version: { seqNo: doc._seq_no ?? 0, primaryTerm: doc._primary_term ?? 0 },
      };
    } catch (error) {
      if (isNotFound(error)) return { state: emptyRuleState(ruleId), version: undefined };
      throw error;
    }
  }

  /** Throws StateConflictError when someone wrote the state since `version` was read. */
  async put(
    state: RuleAlertState,
    version: DocVersion | undefined,
    replica: string,
  ): Promise<void> {
    const document: StateDoc = {
      rule_id: state.rule_id,
      groups: { last_episode: state.last_episode, alerts: state.groups },
      snoozed_until: state.snoozed_until,
      updated_at: Date.now(),
      replica,
    };
    try {
      await this.es.index({
        index: this.index,
        id: state.rule_id,
        document,
        ...(version
          ? { if_seq_no: version.seqNo, if_primary_term: version.primaryTerm }
          : { op_type: 'create' as const }),
      });
    } catch (error) {
      if (isConflict(error)) throw new StateConflictError(state.rule_id, { cause: error });
      throw error;
    }
  }

  async all(): Promise<RuleAlertState[]> {
    const result = await this.es.search<StateDoc>({
      index: this.index,
      size: 10_000,
      query: { match_all: {} },
    });
    return result.hits.hits.flatMap((hit) => (hit._source ? [fromDoc(hit._source)] : []));
  }
}

function fromDoc(doc: StateDoc): RuleAlertState {
  return {
    rule_id: doc.rule_id,
    last_episode: doc.groups.last_episode,
    snoozed_until: doc.snoozed_until,
    groups: doc.groups.alerts,
  };
}
