import { randomBytes } from 'node:crypto';

/**
 * A name no other test uses (topics, groups, index prefixes), so tests own
 * their resources and run in any order against the shared engines.
 * Lowercase, so it is also a valid Elasticsearch index name.
 */
export function uniqueName(purpose: string): string {
  const slug = purpose.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  return `it-${slug}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}
