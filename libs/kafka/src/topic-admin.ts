import type { Admin, ITopicConfig } from 'kafkajs';

export interface TopicSpec {
  name: string;
  partitions: number;
  replicationFactor: number;
  /** Topic-level configs, e.g. `{ 'retention.ms': '604800000' }`. */
  configs?: Record<string, string>;
}

/**
 * Creates the topics that do not exist yet; existing topics are left as
 * they are (partition counts are never changed behind the operator's back).
 * Returns the names of the topics it created.
 */
export async function ensureTopics(admin: Admin, specs: readonly TopicSpec[]): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing = specs.filter((spec) => !existing.has(spec.name));
  if (missing.length === 0) return [];
  const topics: ITopicConfig[] = missing.map((spec) => ({
    topic: spec.name,
    numPartitions: spec.partitions,
    replicationFactor: spec.replicationFactor,
    configEntries: Object.entries(spec.configs ?? {}).map(([name, value]) => ({ name, value })),
  }));
  await admin.createTopics({ topics, waitForLeaders: true });
  return missing.map((spec) => spec.name);
}
