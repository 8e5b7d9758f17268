import { renderBody, templateProblem } from './body-template';
import { signBody, verifySignature } from './signature';
import { UrlGuard, UrlRefusedError } from './url-guard';

async function refusal(guard: UrlGuard, url: string): Promise<string | undefined> {
  try {
    await guard.check(url);
    return undefined;
  } catch (error) {
    if (error instanceof UrlRefusedError) return error.reason;
    throw error;
  }
}

describe('webhook safety and signing', () => {
  const resolve = (host: string) =>
    Promise.resolve(host === 'internal.example.com' ? ['10.1.2.3'] : ['93.184.216.34']);

  it('refuses private, loopback and link-local targets unless allowed', async () => {
    const guard = new UrlGuard({ allowlist: ['*'], resolve });
    expect(await refusal(guard, 'http://127.0.0.1:8080/x')).toBe('loopback_address');
    expect(await refusal(guard, 'http://169.254.169.254/latest')).toBe('private_address');
    expect(await refusal(guard, 'http://internal.example.com/hook')).toBe('private_address');
    expect(await refusal(guard, 'http://[::ffff:192.168.1.1]/hook')).toBe('private_address');
    expect(await refusal(guard, 'https://hooks.example.com/x')).toBeUndefined();
    const loopback = new UrlGuard({ allowlist: ['*'], allowLoopback: true, resolve });
    expect(await refusal(loopback, 'http://127.0.0.1:8080/x')).toBeUndefined();
  });

  it('refuses URLs outside the allowlist', async () => {
    const guard = new UrlGuard({ allowlist: ['https://hooks.example.com/'], resolve });
    expect(await refusal(guard, 'https://evil.example.net/x')).toBe('not_allowlisted');
    expect(await refusal(guard, 'https://hooks.example.com/a')).toBeUndefined();
  });

  it('signs the body so the receiver can verify it', () => {
    const signature = signBody('{"a":1}', 'top-secret');
    expect(verifySignature('{"a":1}', 'top-secret', signature)).toBe(true);
    expect(verifySignature('{"a":2}', 'top-secret', signature)).toBe(false);
  });

  it('renders a JSON body template with values escaped for JSON', () => {
    const body = renderBody('{"text":"{{rule.name}} in {{group}}"}', {
      rule: { name: 'say "hi"' },
      group: 'us',
    });
    expect(JSON.parse(body)).toEqual({ text: 'say "hi" in us' });
  });

  it('renders sections over lists and leaves missing names empty', () => {
    const body = renderBody(
      '{"groups":"{{#groups}}{{key}}={{count}};{{/groups}}","x":"{{nope.deeper}}"}',
      {
        groups: [
          { key: 'us', count: 3 },
          { key: 'de', count: 1 },
        ],
      },
    );
    expect(JSON.parse(body)).toEqual({ groups: 'us=3;de=1;', x: '' });
  });

  it.each([
    '{{constructor}}',
    '{{constructor.constructor}}',
    '{{#constructor.constructor}}return process.env{{/constructor.constructor}}',
    '{{__proto__}}',
    '{{rule.constructor.constructor}}',
    '{{rule.name.constructor}}',
    '{{groups.constructor.constructor}}',
    '{{toString}}{{hasOwnProperty}}{{valueOf}}',
    '{{&constructor.constructor}}',
    '{{#rule}}{{#name}}{{__defineGetter__}}{{/name}}{{/rule}}',
  ])('refuses %s, which names a prototype member, at save and at render', (template) => {
    expect(templateProblem(template)).toMatch(/names \w+, which is not notification data/);
    expect(() => renderBody(template, { rule: { name: 'r1' } })).toThrow(/unusable body template/);
  });

  it('refuses a template Mustache cannot parse, with its message', () => {
    expect(templateProblem('{{#rule}}unclosed')).toMatch(/Unclosed section "rule"/);
  });

  it('reads only own data even for names that pass the check: no prototype, no environment', () => {
    process.env.TEMPLATE_CANARY = 'canary-secret-value';
    try {
      const view = { rule: { name: 'r1' }, groups: [{ key: 'us' }] };
      const template =
        '{"a":"{{groups.length}}","b":"{{rule.name.length}}","c":"{{rule.name.big}}","d":"{{groups.map}}"}';
      expect(templateProblem(template)).toBeUndefined();
      const body = renderBody(template, view);
      // Own data only: an array's length, a string's length; String.prototype.big and
      // Array.prototype.map (which Mustache would call) are not own.
      expect(JSON.parse(body)).toEqual({ a: '1', b: '2', c: '', d: '' });
      expect(body).not.toContain('canary-secret-value');
    } finally {
      delete process.env.TEMPLATE_CANARY;
    }
  });
});
