import type { Rule } from '@meetup/alert-rules';
import {
  describeElasticsearchFailure,
  type ElasticsearchFailureContext,
} from '@meetup/elasticsearch';
import type { Logger, Prerequisite } from '@meetup/observability';
import type { UrlGuard } from '@meetup/webhook-delivery';
import type { RuleStore, StoredRule } from '../store/rule-store';
import { loadRuleFiles } from './rule-files';

/** File rules stored before that the directory no longer holds; API rules are never stale. */
export function staleFileRules(
  stored: readonly StoredRule[],
  fromFiles: readonly Rule[],
): string[] {
  const ids = new Set(fromFiles.map((r) => r.id));
  return stored.filter((s) => s.origin === 'file' && !ids.has(s.rule.id)).map((s) => s.rule.id);
}

/**
 * The rules of ALERTING_RULES_DIR: read and checked at start (a bad file
 * stops the start), stored into the rules index once it exists.
 */
export class RuleFileSync {
  private fromFiles: Rule[] | undefined;

  constructor(
    private readonly dir: string,
    private readonly deps: { rules: RuleStore; guard: UrlGuard; logger: Logger },
  ) {}

  async load(): Promise<void> {
    this.fromFiles = await loadRuleFiles(this.dir, this.deps.guard);
  }

  /** Rules of the directory replace the file rules stored before; API rules are left alone. */
  async sync(): Promise<void> {
    const { rules, logger } = this.deps;
    const fromFiles = this.fromFiles ?? [];
    for (const id of staleFileRules(await rules.list(), fromFiles)) await rules.delete(id);
    for (const rule of fromFiles) {
      const existing = await rules.get(rule.id);
      await rules.put(rule, 'file', existing?.created_at);
    }
    logger.info({ dir: this.dir, rules: fromFiles.length }, 'rules loaded from files');
  }

  /** Start-up step: the rules of the files are stored (retried while Elasticsearch refuses). */
  prerequisite(context: ElasticsearchFailureContext): Prerequisite {
    return {
      name: 'rules',
      missing: async () => {
        await this.sync();
        return [];
      },
      describeFailure: (error) =>
        describeElasticsearchFailure(error, { ...context, operation: 'sync rule files' }),
    };
  }
}
