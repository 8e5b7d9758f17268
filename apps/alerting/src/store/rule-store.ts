import type { Client } from '@elastic/elasticsearch';
import { parseRule, type Rule } from '@meetup/alert-rules';
import { isNotFound } from './es-errors';

export type RuleOrigin = 'api' | 'file';

export interface StoredRule {
  rule: Rule;
  origin: RuleOrigin;
  created_at: string;
  updated_at: string;
}

interface RuleDoc {
  rule_id: string;
  name: string;
  type: string;
  enabled: boolean;
  origin: RuleOrigin;
  definition: Rule;
  created_at: string;
  updated_at: string;
}

/** Rules in meetup_alert_rules, from the API or from the rules directory (`origin`). */
export class RuleStore {
  constructor(
    private readonly es: Client,
    private readonly index: string,
  ) {}

  async list(): Promise<StoredRule[]> {
    const result = await this.es.search<RuleDoc>({
      index: this.index,
      size: 10_000,
      query: { match_all: {} },
      sort: [{ rule_id: 'asc' }],
    });
    return result.hits.hits.flatMap((hit) => (hit._source ? fromDoc(hit._source) : []));
  }

  async get(id: string): Promise<StoredRule | undefined> {
    try {
      const doc = await this.es.get<RuleDoc>({ index: this.index, id });
      return doc._source ? fromDoc(doc._source)[0] : undefined;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async put(rule: Rule, origin: RuleOrigin, createdAt?: string): Promise<StoredRule> {
    const now = new Date().toISOString();
    const doc: RuleDoc = {
      rule_id: rule.id,
      name: rule.name,
      type: rule.type,
      enabled: rule.enabled,
      origin,
      definition: rule,
      created_at: createdAt ?? now,
      updated_at: now,
    };
    await this.es.index({ index: this.index, id: rule.id, document: doc, refresh: 'wait_for' });
    return { rule, origin, created_at: doc.created_at, updated_at: doc.updated_at };
  }

  async delete(id: string): Promise<boolean> {
    try {
      await this.es.delete({ index: this.index, id, refresh: 'wait_for' });
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }
}

function fromDoc(doc: RuleDoc): StoredRule[] {
  // A stored definition that no longer validates (the schema moved on) is skipped, not fatal.
  const parsed = parseRule(doc.definition);
  if (!parsed.ok) return [];
  return [
    {
      rule: parsed.rule,
      origin: doc.origin,
      created_at: doc.created_at,
      updated_at: doc.updated_at,
    },
  ];
}
