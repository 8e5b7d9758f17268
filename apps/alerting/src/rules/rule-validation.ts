import { parseRule, type Rule, type RuleProblem } from '@meetup/alert-rules';
import { templateProblem, UrlRefusedError, type UrlGuard } from '@meetup/webhook-delivery';

export type RuleCheck = { ok: true; rule: Rule } | { ok: false; problems: RuleProblem[] };

/** Schema first, then every webhook's body template, and its URL against the allowlist and the address rules. */
export async function checkRule(input: unknown, guard: UrlGuard): Promise<RuleCheck> {
  const parsed = parseRule(input);
  if (!parsed.ok) return parsed;
  const problems: RuleProblem[] = [];
  for (const [i, action] of parsed.rule.actions.entries()) {
    if (action.type !== 'webhook') continue;
    const template = action.body === undefined ? undefined : templateProblem(action.body);
    if (template !== undefined) problems.push({ field: `actions.${i}.body`, message: template });
    try {
      await guard.check(action.url);
    } catch (error) {
      if (!(error instanceof UrlRefusedError)) {
        problems.push({ field: `actions.${i}.url`, message: 'host does not resolve' });
        continue;
      }
      problems.push({ field: `actions.${i}.url`, message: `refused: ${error.message}` });
    }
  }
  return problems.length > 0 ? { ok: false, problems } : parsed;
}

const SECRET_HEADER = /auth|token|key|secret|cookie|signature/i;
export const REDACTED = '[redacted]';

/** A rule as the API shows it: secrets and credential headers replaced. */
export function redactRule(rule: Rule): Rule {
  return {
    ...rule,
    actions: rule.actions.map((action) => {
      if (action.type !== 'webhook') return action;
      const headers = Object.fromEntries(
        Object.entries(action.headers).map(([name, value]) => [
          name,
          SECRET_HEADER.test(name) ? REDACTED : value,
        ]),
      );
      return { ...action, headers, ...(action.secret ? { secret: REDACTED } : {}) };
    }),
  };
}

/** On update, a secret sent back redacted keeps the stored value. */
export function keepRedactedSecrets(next: unknown, stored: Rule | undefined): unknown {
  if (!stored || typeof next !== 'object' || next === null) return next;
  const actions = (next as { actions?: unknown }).actions;
  if (!Array.isArray(actions)) return next;
  return {
    ...next,
    actions: actions.map((action: unknown) => {
      if (typeof action !== 'object' || action === null) return action;
      const a = action as Record<string, unknown>;
      const old = stored.actions.find((s) => s.id === a.id);
      if (old?.type !== 'webhook') return action;
      const headers = a.headers as Record<string, string> | undefined;
      return {
        ...a,
        ...(a.secret === REDACTED ? { secret: old.secret } : {}),
        ...(headers
          ? {
              headers: Object.fromEntries(
                Object.entries(headers).map(([k, v]) => [k, v === REDACTED ? old.headers[k] : v]),
              ),
            }
          : {}),
      };
    }),
  };
}
