import { parseRule, type Rule } from '@meetup/alert-rules';
import { UrlGuard } from '@meetup/webhook-delivery';
import { checkRule, keepRedactedSecrets, redactRule, REDACTED } from './rule-validation';

const addresses: Record<string, string[]> = {
  'hooks.example.com': ['93.184.216.34'],
  'internal.example.com': ['10.0.0.7'],
};
const guard = new UrlGuard({
  allowlist: [
    'https://hooks.example.com/',
    'https://internal.example.com/',
    'https://gone.example.com/',
  ],
  resolve: (host) =>
    addresses[host] ? Promise.resolve(addresses[host]) : Promise.reject(new Error('ENOTFOUND')),
});

function input(...urls: string[]) {
  return {
    id: 'hot',
    name: 'hot topics',
    type: 'trending',
    trigger: { interval: '30s' },
    condition: { op: 'gte', value: 3 },
    actions: [
      { id: 'log', type: 'log' },
      ...urls.map((url, i) => ({
        id: `hook-${i}`,
        type: 'webhook',
        url,
        secret: '0123456789abcdef',
        headers: { Authorization: 'Bearer abc', 'X-Api-Key': 'k', 'X-Team': 'data' },
      })),
    ],
  };
}

function rule(...urls: string[]): Rule {
  const parsed = parseRule(input(...urls));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.rule;
}

describe('checkRule', () => {
  it('accepts a valid rule whose webhooks the guard allows', async () => {
    const result = await checkRule(input('https://hooks.example.com/a'), guard);
    expect(result).toMatchObject({ ok: true, rule: { id: 'hot' } });
  });

  it('reports schema problems before looking at any URL', async () => {
    const result = await checkRule({ ...input('https://evil.example.net/'), trigger: {} }, guard);
    expect(result).toMatchObject({ ok: false, problems: [{ field: 'trigger' }] });
    expect(JSON.stringify(result)).not.toContain('actions.1.url');
  });

  it('names each refused webhook by its action index and the reason', async () => {
    const result = await checkRule(
      input(
        'https://evil.example.net/x',
        'https://hooks.example.com/ok',
        'https://internal.example.com/y',
      ),
      guard,
    );
    expect(result).toEqual({
      ok: false,
      problems: [
        { field: 'actions.1.url', message: 'refused: does not match the webhook allowlist' },
        { field: 'actions.3.url', message: expect.stringMatching(/^refused: /) as unknown },
      ],
    });
  });

  it('names a body template that reaches past the notification, or does not parse', async () => {
    const withBody = (body: string) => {
      const rule = input('https://hooks.example.com/a');
      return { ...rule, actions: rule.actions.map((a, i) => (i === 1 ? { ...a, body } : a)) };
    };
    expect(await checkRule(withBody('{"t":"{{constructor.constructor}}"}'), guard)).toEqual({
      ok: false,
      problems: [
        {
          field: 'actions.1.body',
          message: '{{constructor.constructor}} names constructor, which is not notification data',
        },
      ],
    });
    expect(await checkRule(withBody('{{#rule}}'), guard)).toMatchObject({
      ok: false,
      problems: [
        { field: 'actions.1.body', message: expect.stringMatching(/Unclosed section/) as unknown },
      ],
    });
    expect(await checkRule(withBody('{"t":"{{rule.name}}"}'), guard)).toMatchObject({ ok: true });
  });

  it('says so when a webhook host does not resolve', async () => {
    const result = await checkRule(input('https://gone.example.com/z'), guard);
    expect(result).toEqual({
      ok: false,
      problems: [{ field: 'actions.1.url', message: 'host does not resolve' }],
    });
  });
});

describe('redactRule', () => {
  it('hides the secret and credential-like headers, and keeps the other headers', () => {
    const shown = redactRule(rule('https://hooks.example.com/a'));
    expect(shown.actions[1]).toMatchObject({
      secret: REDACTED,
      headers: { Authorization: REDACTED, 'X-Api-Key': REDACTED, 'X-Team': 'data' },
    });
    expect(shown.actions[0]).toEqual({ id: 'log', type: 'log' });
  });
});

describe('keepRedactedSecrets', () => {
  const stored = rule('https://hooks.example.com/a');

  it('puts back the stored secret and headers a client sent back redacted', () => {
    const next = keepRedactedSecrets(redactRule(stored), stored) as Rule;
    expect(next.actions[1]).toMatchObject({
      secret: '0123456789abcdef',
      headers: { Authorization: 'Bearer abc', 'X-Api-Key': 'k', 'X-Team': 'data' },
    });
  });

  it('takes a new secret or header value as sent', () => {
    const edited = redactRule(stored);
    const webhook = edited.actions[1] as Extract<Rule['actions'][number], { type: 'webhook' }>;
    webhook.secret = 'a-new-secret-value';
    webhook.headers['X-Api-Key'] = 'new-key';
    const next = keepRedactedSecrets(edited, stored) as Rule;
    expect(next.actions[1]).toMatchObject({
      secret: 'a-new-secret-value',
      headers: { Authorization: 'Bearer abc', 'X-Api-Key': 'new-key' },
    });
  });

  it('leaves a redacted value of an action that was not stored as it is (the schema refuses it)', () => {
    const edited = redactRule(stored);
    const renamed = { ...edited, actions: edited.actions.map((a) => ({ ...a, id: `${a.id}-2` })) };
    const next = keepRedactedSecrets(renamed, stored) as Rule;
    expect(next.actions[1]).toMatchObject({ secret: REDACTED });
  });

  it('passes through a body it cannot read as a rule, and any body of a new rule', () => {
    expect(keepRedactedSecrets('text', stored)).toBe('text');
    expect(keepRedactedSecrets({ actions: 'none' }, stored)).toEqual({ actions: 'none' });
    const body = redactRule(stored);
    expect(keepRedactedSecrets(body, undefined)).toBe(body);
  });
});
