import { renderBody } from './body-template';
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
});
