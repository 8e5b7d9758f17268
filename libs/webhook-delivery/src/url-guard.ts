import { lookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';

export interface UrlGuardOptions {
  /** URL prefixes a webhook may target, e.g. `https://hooks.example.com/`; `*` allows any. */
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
    if (!this.allowlisted(url)) {
      throw new UrlRefusedError('not_allowlisted', 'does not match the webhook allowlist');
    }
    const host = parsed.hostname.replace(/^\[|\]$/g, '');
    const addresses = ipaddr.isValid(host) ? [host] : await this.resolve(host);
    for (const address of addresses) this.checkAddress(address);
  }

  private allowlisted(url: string): boolean {
    return this.options.allowlist.some((prefix) => prefix === '*' || url.startsWith(prefix));
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
