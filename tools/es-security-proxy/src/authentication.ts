import { createHash, timingSafeEqual } from 'node:crypto';
import type { ProxyUser } from './types';

export type Authentication =
  | { ok: true; user: ProxyUser }
  /** `username` undefined: no Basic credentials at all. */
  | { ok: false; username: string | undefined };

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/**
 * HTTP Basic against the file realm's users. Passwords are compared in
 * constant time (as digests, so their lengths do not show either).
 */
export function authenticate(
  header: string | undefined,
  users: readonly ProxyUser[],
): Authentication {
  const encoded = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '')?.[1];
  if (encoded === undefined) return { ok: false, username: undefined };
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return { ok: false, username: undefined };
  const username = decoded.slice(0, colon);
  const password = decoded.slice(colon + 1);
  const user = users.find((candidate) => candidate.username === username);
  if (user && timingSafeEqual(digest(user.password), digest(password))) return { ok: true, user };
  return { ok: false, username };
}

/** `GET /_security/_authenticate` as a file-realm user sees it. */
export function authenticateAnswer(
  user: ProxyUser,
  role: { names: readonly string[]; notFound: readonly string[] },
): Record<string, unknown> {
  const realm = { name: 'file1', type: 'file' };
  return {
    username: user.username,
    roles: [...role.names, ...role.notFound].sort(),
    full_name: null,
    email: null,
    metadata: {},
    enabled: true,
    authentication_realm: realm,
    lookup_realm: realm,
    authentication_type: 'realm',
  };
}
