import { readFileSync } from 'node:fs';
import { Client, type ClientOptions } from '@elastic/elasticsearch';
import type { ElasticsearchConfig } from '@meetup/config';
import { DependencyFailureError } from '@meetup/observability';
import {
  describeElasticsearchFailure,
  type ElasticsearchFailureContext,
} from './elasticsearch-failure';

export interface ElasticsearchClientOptions {
  config: ElasticsearchConfig;
  /** Overrides of client settings (timeouts, retries) for special uses such as tests. */
  overrides?: Partial<ClientOptions>;
}

/** An Elasticsearch client from the validated configuration (basic auth and CA when given). */
export function createElasticsearchClient({
  config,
  overrides,
}: ElasticsearchClientOptions): Client {
  return new Client({
    node: config.url,
    auth:
      config.username !== undefined && config.password !== undefined
        ? { username: config.username, password: config.password }
        : undefined,
    tls: config.caFile ? { ca: readFileSync(config.caFile, 'utf8') } : undefined,
    requestTimeout: 30_000,
    maxRetries: 3,
    ...overrides,
  });
}

/** Resolves with the cluster status when it is yellow or green; rejects when red or unreachable. */
export async function checkElasticsearchHealthy(
  client: Client,
): Promise<{ clusterStatus: string }> {
  const health = await client.cluster.health({ timeout: '2s' });
  if (health.status === 'red') throw new Error('elasticsearch cluster status is red');
  return { clusterStatus: health.status };
}

/**
 * Readiness check for the service runtime; a failure says why (credentials,
 * role, CA, cluster away), never with a secret.
 */
export function elasticsearchReadinessCheck(
  client: Client,
  context: ElasticsearchFailureContext = {},
): {
  name: string;
  check: () => Promise<{ clusterStatus: string }>;
} {
  return {
    name: 'elasticsearch',
    check: async () => {
      try {
        return await checkElasticsearchHealthy(client);
      } catch (error) {
        const failure = describeElasticsearchFailure(error, {
          operation: 'cluster health',
          ...context,
        });
        throw new DependencyFailureError(failure, { cause: error });
      }
    },
  };
}
