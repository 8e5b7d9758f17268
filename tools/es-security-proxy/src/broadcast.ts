import { type AuthorizationContext, needsResolution, targetsOf } from './authorizer';

export interface ShardRefusal {
  /** Concrete indices the shard-level action may run on. */
  readonly allowed: string[];
  /** Concrete indices it may not (Elasticsearch fails their shards). */
  readonly denied: string[];
}

/**
 * Refresh and flush run a shard-level action (`indices:admin/refresh[s]`) that
 * Elasticsearch authorizes on the concrete index, not on the alias the
 * request named (elastic/elasticsearch#84626): a role on the alias alone gets
 * a 200 with failed shards. Undefined when nothing is refused, or when a
 * named index does not exist (Elasticsearch answers that with a 404).
 */
export async function shardRefusal(
  shardAction: string,
  names: readonly string[],
  context: AuthorizationContext,
): Promise<ShardRefusal | undefined> {
  const literal = names.filter((name) => !needsResolution(name));
  const concrete = (await targetsOf(names.filter(needsResolution), false, context)).map(
    (t) => t.name,
  );
  if (literal.length > 0) {
    const found = await context.lookup.resolve(literal, 'all');
    const known = new Map<string, string[]>([
      ...found.indices.map((i): [string, string[]] => [i.name, [i.name]]),
      ...found.aliases.map((a): [string, string[]] => [a.name, a.indices]),
      ...found.dataStreams.map((d): [string, string[]] => [d.name, d.backingIndices]),
    ]);
    for (const name of literal) {
      const behind = known.get(name);
      if (!behind) return undefined;
      concrete.push(...behind);
    }
  }
  const unique = [...new Set(concrete)];
  const denied = unique.filter((index) => !context.role.allowsIndexAction(shardAction, index));
  if (denied.length === 0) return undefined;
  return { allowed: unique.filter((index) => !denied.includes(index)), denied };
}

interface Shards {
  total?: number;
  successful?: number;
  failed?: number;
  failures?: unknown[];
}

/**
 * The broadcast answer with one failed shard per refused index added; its
 * status is 200 unless no shard succeeded (then the failures' 403), as
 * `RestStatus.status(successful, total, failures)` computes it.
 */
export function withFailedShards(
  answer: { _shards?: Shards } | undefined,
  denied: readonly { index: string; reason: string }[],
): { status: number; body: Record<string, unknown> } {
  const shards = answer?._shards ?? {};
  const successful = shards.successful ?? 0;
  const body = {
    ...answer,
    _shards: {
      total: (shards.total ?? 0) + denied.length,
      successful,
      failed: (shards.failed ?? 0) + denied.length,
      failures: [
        ...(shards.failures ?? []),
        ...denied.map(({ index, reason }) => ({
          shard: 0,
          index,
          status: 'FORBIDDEN',
          reason: { type: 'security_exception', reason },
        })),
      ],
    },
  };
  return { status: successful === 0 ? 403 : 200, body };
}
