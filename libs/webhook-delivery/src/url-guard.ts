import { lookup } from 'node:dns/promises';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

export interface UrlGuardOptions {
  /** What a webhook may target: entries as `allowlistProblem` describes them. */
  allowlist: readonly string[];
  /** Private (RFC 1918, unique local) addresses are refused unless allowed. */
  allowPrivate?: boolean;
  /** Loopback addresses are refused unless allowed (tests allow them). */
  allowLoopback?: boolean;
  /** Resolves a host name to its addresses (DNS by default). */
  resolve?: (host: string) => Promise<string[]>;
}

export type UrlRefusal = 'not_allowlisted' | 'private_address' | 'loopback_address' | 'invalid_url';

export class UrlRefusedError extends Error {
  constructor(
    readonly reason: UrlRefusal,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'UrlRefusedError';
  }
}

const PRIVATE_RANGES = new Set([
  'private',
  'uniqueLocal',
  'linkLocal',
  'unspecified',
  'broadcast',
  'carrierGradeNat',
  'reserved',
]);

async function resolveHost(host: string): Promise<string[]> {
  const found = await lookup(host, { all: true });
  return found.map((a) => a.address);
}

/** Checks webhook URLs against the allowlist and refuses private, loopback and link-local targets. */
export class UrlGuard {
  private readonly resolve: (host: string) => Promise<string[]>;

  constructor(private readonly options: UrlGuardOptions) {
    this.resolve = options.resolve ?? resolveHost;
  }

  /** Throws UrlRefusedError, with the reason, when the URL may not be called. */
  async check(url: string): Promise<void> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch (error) {
      throw new UrlRefusedError('invalid_url', 'is not a URL', { cause: error });
    }
    if (!this.allowlisted(parsed)) {
      throw new UrlRefusedError('not_allowlisted', 'does not match the webhook allowlist');
    }
    const host = parsed.hostname.replace(/^\[|\]$/g, '');
    const addresses = ipaddr.isValid(host) ? [host] : await this.resolve(host);
    for (const address of addresses) this.checkAddress(address);
  }

  /**
   * A `lookup` for the connection itself (`http.request({ lookup })`): resolves the name with
   * the guard's resolver and refuses any address the guard refuses, so the address checked is
   * the address connected to — a DNS answer that changes between `check` and the send (DNS
   * rebinding) cannot reach a refused address.
   */
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    const host = hostname.replace(/^\[|\]$/g, '');
    const resolving = ipaddr.isValid(host) ? Promise.resolve([host]) : this.resolve(host);
    resolving
      .then((addresses) => {
        for (const address of addresses) this.checkAddress(address);
        const found = addresses.map((address) => ({
          address,
          family: ipaddr.parse(address).kind() === 'ipv6' ? 6 : 4,
        }));
        const first = found[0];
        if (!first) throw new UrlRefusedError('invalid_url', `${host} has no address`);
        if (options.all) callback(null, found);
        else callback(null, first.address, first.family);
      })
      .catch((error: unknown) => {
        callback(error as NodeJS.ErrnoException, '', 0);
      });
  };

  private allowlisted(url: URL): boolean {
    return this.options.allowlist.some((entry) => allowlistEntryMatches(entry, url));
  }

  private checkAddress(address: string): void {
    let ip = ipaddr.parse(address);
    if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress()) {
      ip = (ip as ipaddr.IPv6).toIPv4Address();
    }
    const range = ip.range();
    if (range === 'loopback') {
      if (this.options.allowLoopback) return;
      throw new UrlRefusedError('loopback_address', 'points to a loopback address');
    }
    if (PRIVATE_RANGES.has(range) && !this.options.allowPrivate) {
      throw new UrlRefusedError('private_address', `points to a ${range} address`);
    }
  }
}

const HOST_NAME =
  /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;

/**
 * Why an allowlist entry is unusable, or undefined. An entry is `*` (any target), a host
 * (`hooks.slack.com`, `127.0.0.1`: http or https to exactly that host, any port and path), or
 * an http(s) URL (`https://hooks.example.com/team-a/`: the same scheme, host and port, and a
 * path under its path).
 */
export function allowlistProblem(entry: string): string | undefined {
  if (entry === '*' || HOST_NAME.test(entry) || ipaddr.isValid(entry)) return undefined;
  const url = URL.parse(entry);
  if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:'))
    return `${entry} is neither a host name nor an http(s) URL`;
  if (url.username || url.password || url.search || url.hash)
    return `${entry}: credentials, query and fragment have no place in an allowlist entry`;
  return undefined;
}

function allowlistEntryMatches(entry: string, url: URL): boolean {
  if (entry === '*') return true;
  if (!entry.includes('/')) return url.hostname.replace(/^\[|\]$/g, '') === entry.toLowerCase();
  const allowed = URL.parse(entry);
  return (
    allowed !== null && allowed.origin === url.origin && url.pathname.startsWith(allowed.pathname)
  );
}
