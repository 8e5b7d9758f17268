import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { UrlGuard } from './url-guard';
import { WebhookSender, type WebhookRequest } from './webhook-sender';

/** A receiver on 127.0.0.1 that records what it gets and answers as told. */
async function receiver(answer: (response: http.ServerResponse) => void) {
  const bodies: string[] = [];
  const server = http.createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      bodies.push(body);
      answer(response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { port, bodies, close: () => new Promise((resolve) => server.close(resolve)) };
}

const request = (url: string): WebhookRequest => ({
  url,
  method: 'POST',
  headers: {},
  body: '{"alert":"firing"}',
  idempotencyKey: 'k-1',
  timeoutMs: 2_000,
  retries: 2,
  backoffMs: 1,
});

const ok = (response: http.ServerResponse) => response.writeHead(204).end();

describe('webhook delivery to names the guard resolves itself (nothing leaves this machine)', () => {
  const servers: { close(): Promise<unknown> }[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  it('connects to the address the guard resolved and checked', async () => {
    const hook = await receiver(ok);
    servers.push(hook);
    const guard = new UrlGuard({
      allowlist: ['*'],
      allowLoopback: true,
      resolve: (host) => Promise.resolve(host === 'hooks.test' ? ['127.0.0.1'] : []),
    });
    const result = await new WebhookSender({ guard }).send(
      request(`http://hooks.test:${hook.port}/alert`),
    );
    expect(result).toMatchObject({ outcome: 'delivered', attempts: [{ status: 204 }] });
    expect(hook.bodies).toEqual(['{"alert":"firing"}']);
  });

  it('refuses, without retrying, a name whose answer turns to loopback between check and send', async () => {
    const hook = await receiver(ok);
    servers.push(hook);
    let lookups = 0;
    // DNS rebinding: a public address for the check, loopback for the connection.
    const resolve = () => Promise.resolve(++lookups === 1 ? ['93.184.216.34'] : ['127.0.0.1']);
    const guard = new UrlGuard({ allowlist: ['*'], resolve });
    const result = await new WebhookSender({ guard }).send(
      request(`http://rebind.test:${hook.port}/alert`),
    );
    expect(result).toEqual({ outcome: 'refused', attempts: [], error: 'loopback_address' });
    expect(lookups).toBe(2);
    expect(hook.bodies).toEqual([]);
  });

  it('refuses a connection to a private address the name resolves to at send time', async () => {
    let lookups = 0;
    const resolve = () =>
      Promise.resolve(++lookups === 1 ? ['93.184.216.34'] : ['169.254.169.254']);
    const guard = new UrlGuard({ allowlist: ['*'], resolve });
    const result = await new WebhookSender({ guard }).send(request('http://metadata.test/latest'));
    expect(result).toEqual({ outcome: 'refused', attempts: [], error: 'private_address' });
  });

  it('never follows a redirect: the 3xx is the answer, and the redirect target gets nothing', async () => {
    const internal = await receiver(ok);
    const hook = await receiver((response) =>
      response.writeHead(302, { location: `http://internal.test:${internal.port}/admin` }).end(),
    );
    servers.push(internal, hook);
    const guard = new UrlGuard({
      allowlist: ['*'],
      allowLoopback: true,
      resolve: () => Promise.resolve(['127.0.0.1']),
    });
    const result = await new WebhookSender({ guard }).send(
      request(`http://hooks.test:${hook.port}/alert`),
    );
    expect(result).toMatchObject({ outcome: 'failed', error: 'http_302' });
    expect(result.attempts).toHaveLength(1);
    expect(internal.bodies).toEqual([]);
  });

  it('matches a URL entry by origin and path and a host entry by host, never by string prefix', async () => {
    const guard = new UrlGuard({
      allowlist: [
        'https://hooks.example.com',
        'https://chat.example.com/team-a/',
        'hooks.slack.com',
      ],
      resolve: () => Promise.resolve(['93.184.216.34']),
    });
    const reason = (url: string) =>
      guard.check(url).then(
        () => undefined,
        (error: unknown) => (error as { reason: string }).reason,
      );
    expect(await reason('https://hooks.example.com.evil.net/x')).toBe('not_allowlisted');
    expect(await reason('https://hooks.example.com:8443/x')).toBe('not_allowlisted');
    expect(await reason('http://hooks.example.com/x')).toBe('not_allowlisted');
    expect(await reason('https://chat.example.com/team-b/x')).toBe('not_allowlisted');
    expect(await reason('https://hooks.example.com/any/path')).toBeUndefined();
    expect(await reason('https://chat.example.com/team-a/hook')).toBeUndefined();
    expect(await reason('https://hooks.slack.com/services/T0/B0/x')).toBeUndefined();
    expect(await reason('http://hooks.slack.com:8080/x')).toBeUndefined();
    expect(await reason('https://hooks.slack.com.evil.net/x')).toBe('not_allowlisted');
    expect(await reason('https://evil.net/hooks.slack.com')).toBe('not_allowlisted');
  });
});
