import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { Rule } from '@meetup/alert-rules';
import type { UrlGuard } from '@meetup/webhook-delivery';
import { checkRule } from './rule-validation';

export class RuleFileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: { field: string; message: string }[],
    options?: ErrorOptions,
  ) {
    super(
      `invalid rule file ${file}: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`,
      options,
    );
    this.name = 'RuleFileError';
  }
}

/**
 * Rules from `*.yaml`/`*.yml` files (a Kubernetes ConfigMap mounted as a
 * directory): one rule per file, or `rules: [...]`. A bad file stops the
 * start with a message naming the file and the field.
 */
export async function loadRuleFiles(dir: string, guard: UrlGuard): Promise<Rule[]> {
  const names = (await readdir(dir)).filter((n) => /\.ya?ml$/.test(n)).sort();
  const rules: Rule[] = [];
  for (const name of names) {
    const file = join(dir, name);
    let content: unknown;
    try {
      content = parse(await readFile(file, 'utf8'));
    } catch (error) {
      throw new RuleFileError(file, [{ field: '(yaml)', message: 'is not valid YAML' }], {
        cause: error,
      });
    }
    const list = (content as { rules?: unknown } | null)?.rules;
    const definitions: unknown[] = Array.isArray(list) ? list : [content];
    for (const [i, definition] of definitions.entries()) {
      const checked = await checkRule(definition, guard);
      if (!checked.ok) {
        const prefix = Array.isArray(list) ? `rules.${i}.` : '';
        throw new RuleFileError(
          file,
          checked.problems.map((p) => ({ ...p, field: prefix + p.field })),
        );
      }
      rules.push(checked.rule);
    }
  }
  return rules;
}
