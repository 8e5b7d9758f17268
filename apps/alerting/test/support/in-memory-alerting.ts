import { emptyRuleState, parseRule, type Rule, type RuleAlertState } from '@meetup/alert-rules';
import { StateConflictError, type VersionedState } from '../../src/store/alert-state-store';
import type { RuleOrigin, StoredRule } from '../../src/store/rule-store';

/** A valid rule from its fields (a trending rule that logs, unless told otherwise). */
export function ruleOf(fields: Record<string, unknown> = {}): Rule {
  const parsed = parseRule({
    id: 'hot',
    name: 'hot topics',
    type: 'trending',
    trigger: { interval: '30s' },
    condition: { op: 'gte', value: 3 },
    actions: [{ id: 'log', type: 'log' }],
    ...fields,
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.rule;
}

/** The rule index as RuleStore keeps it: one rule per id, with its origin and creation time. */
export class InMemoryRules {
  readonly rules = new Map<string, StoredRule>();
  private clock = 0;

  list(): Promise<StoredRule[]> {
    return Promise.resolve(
      [...this.rules.values()].sort((a, b) => (a.rule.id < b.rule.id ? -1 : 1)),
    );
  }

  get(id: string): Promise<StoredRule | undefined> {
    return Promise.resolve(this.rules.get(id));
  }

  put(rule: Rule, origin: RuleOrigin, createdAt?: string): Promise<StoredRule> {
    const now = new Date(Date.UTC(2024, 0, 1) + ++this.clock * 1_000).toISOString();
    const stored = { rule, origin, created_at: createdAt ?? now, updated_at: now };
    this.rules.set(rule.id, stored);
    return Promise.resolve(stored);
  }

  delete(id: string): Promise<boolean> {
    return Promise.resolve(this.rules.delete(id));
  }
}

/** Alert states as AlertStateStore keeps them: written only at the version read. */
export class InMemoryStates {
  readonly states = new Map<string, { state: RuleAlertState; seqNo: number }>();

  constructor(...states: RuleAlertState[]) {
    for (const state of states) this.states.set(state.rule_id, { state, seqNo: 1 });
  }

  all(): Promise<RuleAlertState[]> {
    return Promise.resolve([...this.states.values()].map((s) => structuredClone(s.state)));
  }

  get(ruleId: string): Promise<VersionedState> {
    const found = this.states.get(ruleId);
    return Promise.resolve({
      state: structuredClone(found?.state ?? emptyRuleState(ruleId)),
      version: found ? { seqNo: found.seqNo, primaryTerm: 1 } : undefined,
    });
  }

  put(state: RuleAlertState, version: VersionedState['version']): Promise<void> {
    const current = this.states.get(state.rule_id);
    if (current?.seqNo !== version?.seqNo) {
      return Promise.reject(new StateConflictError(state.rule_id));
    }
    this.states.set(state.rule_id, { state, seqNo: (current?.seqNo ?? 0) + 1 });
    return Promise.resolve();
  }
}
