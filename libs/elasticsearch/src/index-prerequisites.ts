import { errors, type Client, type TransportRequestOptions } from '@elastic/elasticsearch';
import type { Prerequisite } from '@meetup/observability';
import {
  describeElasticsearchFailure,
  urlWithoutCredentials,
  type ElasticsearchFailureContext,
} from './elasticsearch-failure';

/**
 * A check is polled: one attempt each time, not the client's retries with
 * backoff (seconds per call while the cluster is away).
 */
const ONE_ATTEMPT: TransportRequestOptions = { maxRetries: 0, requestTimeout: 10_000 };

/**
 * The indices or aliases of `names` that do not exist. Asked one by one with
 * the resolve API (granted by `read`, `view_index_metadata` or `manage` on the
 * name), so a missing name (404) is told apart from a denied one (403, thrown).
 */
export async function missingIndices(client: Client, names: readonly string[]): Promise<string[]> {
  const missing: string[] = [];
  for (const name of new Set(names)) {
    try {
      await client.indices.resolveIndex({ name }, ONE_ATTEMPT);
    } catch (error) {
      if (!(error instanceof errors.ResponseError) || error.statusCode !== 404) throw error;
      missing.push(name);
    }
  }
  return missing;
}

/** The service's indices and aliases exist (the bootstrap creates them). */
export function indicesPrerequisite(
  client: Client,
  indices: readonly string[],
  context: ElasticsearchFailureContext = {},
): Prerequisite {
  return {
    name: 'indices',
    missing: () => missingIndices(client, indices),
    describeFailure: (error) =>
      describeElasticsearchFailure(error, { operation: 'check indices', ...context }),
  };
}

/** Elasticsearch answers and its cluster is at least yellow (for one-shot commands like the bootstrap). */
export function elasticsearchReachablePrerequisite(
  client: Client,
  context: ElasticsearchFailureContext = {},
): Prerequisite {
  const describe = (error: unknown) =>
    describeElasticsearchFailure(error, { operation: 'cluster health', ...context });
  const address = urlWithoutCredentials(context.url) ?? 'elasticsearch';
  return {
    name: 'elasticsearch',
    missing: async () => {
      try {
        const health = await client.cluster.health({ timeout: '2s' }, ONE_ATTEMPT);
        return health.status === 'red' ? [`${address} (cluster status red)`] : [];
      } catch (error) {
        if (describe(error).kind === 'unavailable') return [address];
        throw error;
      }
    },
    describeFailure: describe,
  };
}
