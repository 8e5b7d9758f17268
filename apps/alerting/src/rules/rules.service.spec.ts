import type { Rule } from '@meetup/alert-rules';
import { UrlGuard } from '@meetup/webhook-delivery';
import { ApiError } from '../api/api-error';
import type { RuleOrigin, RuleStore, StoredRule } from '../store/rule-store';
import { REDACTED, redactRule } from './rule-validation';
import { RulesService } from './rules.service';

const guard = new UrlGuard({
  allowlist: ['https://hooks.example.com/'],
  resolve: () => Promise.resolve(['93.184.216.34']),
});

function body(id: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    name: `rule ${id}`,
    type: 'trending',
    trigger: { interval: '30s' },
    condition: { op: 'gte', value: 3 },
    actions: [
      {
        id: 'hook',
        type: 'webhook',
        url: 'https://hooks.example.com/a',
        secret: 'a-secret-of-sixteen',
      },
    ],
    ...extra,
  };
}

/** The rule index as RuleStore keeps it: one rule per id, with its origin and creation time. */
class Rules {
  readonly rules = new Map<string, StoredRule>();
  private clock = 0;

  list(): Promise<StoredRule[]> {
    return Promise.resolve([...this.rules.values()]);
  }

  get(id: string): Promise<StoredRule | undefined> {
    return Promise.resolve(this.rules.get(id));
  }

  put(rule: Rule, origin: RuleOrigin, createdAt?: string): Promise<StoredRule> {
    const now = new Date(++this.clock * 1_000).toISOString();
    const stored = { rule, origin, created_at: createdAt ?? now, updated_at: now };
    this.rules.set(rule.id, stored);
    return Promise.resolve(stored);
  }

  delete(id: string): Promise<boolean> {
    return Promise.resolve(this.rules.delete(id));
  }
}

function service() {
  const rules = new Rules();
  return { rules, subject: new RulesService(rules as unknown as RuleStore, guard) };
}

async function refusal(promise: Promise<unknown>): Promise<{ status: number; body: unknown }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ApiError)) throw new Error(`expected an ApiError, got ${String(error)}`);
  return { status: error.getStatus(), body: error.getResponse() };
}

describe('RulesService', () => {
  it('creates a valid rule once, and refuses its id a second time', async () => {
    const { subject } = service();
    const created = await subject.create(body('hot'));
    expect(created).toMatchObject({ origin: 'api', rule: { id: 'hot' } });
    expect(await refusal(subject.create(body('hot')))).toMatchObject({
      status: 409,
      body: { error: 'rule_exists' },
    });
  });

  it('refuses an invalid rule with the fields at fault', async () => {
    const { subject } = service();
    expect(await refusal(subject.create(body('hot', { trigger: { interval: 'soon' } })))).toEqual({
      status: 400,
      body: {
        error: 'invalid_rule',
        message: 'the rule is invalid',
        problems: [expect.objectContaining({ field: 'trigger.interval' })],
      },
    });
  });

  it('answers 404 for a rule that does not exist, on read and on delete', async () => {
    const { subject } = service();
    expect((await refusal(subject.get('nope'))).status).toBe(404);
    expect((await refusal(subject.delete('nope'))).status).toBe(404);
  });

  it('replaces a rule under the id of the path, keeping its creation time and a secret sent back redacted', async () => {
    const { subject, rules } = service();
    const created = await subject.create(body('hot'));
    const shown = redactRule(created.rule);
    expect(shown.actions[0]).toMatchObject({ secret: REDACTED });
    const replaced = await subject.replace('hot', { ...shown, id: 'other', name: 'renamed' });
    expect(replaced).toMatchObject({
      created_at: created.created_at,
      rule: { id: 'hot', name: 'renamed' },
    });
    expect(rules.rules.get('hot')?.rule.actions[0]).toMatchObject({
      secret: 'a-secret-of-sixteen',
    });
    expect(rules.rules.has('other')).toBe(false);
  });

  it('refuses to change or delete a rule that comes from a rules file', async () => {
    const { subject, rules } = service();
    const fromFile = await subject.validate(body('filed'));
    await rules.put(fromFile, 'file');
    expect(await refusal(subject.replace('filed', body('filed')))).toMatchObject({
      status: 409,
      body: { error: 'rule_from_file' },
    });
    expect((await refusal(subject.delete('filed'))).status).toBe(409);
    expect(rules.rules.has('filed')).toBe(true);
  });

  it('deletes a rule made through the API', async () => {
    const { subject, rules } = service();
    await subject.create(body('hot'));
    await subject.delete('hot');
    expect(rules.rules.size).toBe(0);
    expect(await subject.list()).toEqual([]);
  });
});
