import { Injectable } from '@nestjs/common';
import type { Rule } from '@meetup/alert-rules';
import { UrlGuard } from '@meetup/webhook-delivery';
import { ApiError } from '../api/api-error';
import { RuleStore, type StoredRule } from '../store/rule-store';
import { checkRule, keepRedactedSecrets } from './rule-validation';

/** Rule CRUD for the API: validation, and rules from files are read-only. */
@Injectable()
export class RulesService {
  constructor(
    private readonly store: RuleStore,
    private readonly guard: UrlGuard,
  ) {}

  list(): Promise<StoredRule[]> {
    return this.store.list();
  }

  async get(id: string): Promise<StoredRule> {
    const stored = await this.store.get(id);
    if (!stored) throw new ApiError('rule_not_found', `no rule ${id}`);
    return stored;
  }

  async create(body: unknown): Promise<StoredRule> {
    const rule = await this.validate(body);
    if (await this.store.get(rule.id)) throw new ApiError('rule_exists', `rule ${rule.id} exists`);
    return this.store.put(rule, 'api');
  }

  async replace(id: string, body: unknown): Promise<StoredRule> {
    const existing = await this.store.get(id);
    if (existing?.origin === 'file') this.refuseFileRule(id);
    const withId = typeof body === 'object' && body !== null ? { ...body, id } : body;
    const rule = await this.validate(keepRedactedSecrets(withId, existing?.rule));
    return this.store.put(rule, 'api', existing?.created_at);
  }

  async delete(id: string): Promise<void> {
    const existing = await this.get(id);
    if (existing.origin === 'file') this.refuseFileRule(id);
    await this.store.delete(id);
  }

  async validate(body: unknown): Promise<Rule> {
    const checked = await checkRule(body, this.guard);
    if (!checked.ok) throw new ApiError('invalid_rule', 'the rule is invalid', checked.problems);
    return checked.rule;
  }

  private refuseFileRule(id: string): never {
    throw new ApiError('rule_from_file', `rule ${id} comes from a rules file; change the file`);
  }
}
