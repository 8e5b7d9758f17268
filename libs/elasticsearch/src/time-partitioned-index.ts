import { errors, type Client } from '@elastic/elasticsearch';
import { indexTemplateContent, templateMeta, type IndexLayoutOptions } from './index-template';
import type { IndexSpec } from './templates/index-spec';
import { TimePartitionScheme, type TimePartition } from './time-partitions';

/**
 * Data needed only for a while, kept the Elastic way: one index per span of
 * event time (`<prefix><alias>-p<UTC start>`, see TimePartitionScheme), and
 * retention drops whole indices — no delete-by-query, no ILM. Writes go to
 * `indexFor(time)`, where the first write creates the partition from the
 * family's template; reads go to `readPattern`, a wildcard that matches
 * nothing (and answers empty) while no partition exists.
 */
export class TimePartitionedIndex {
  private readonly scheme: TimePartitionScheme;

  constructor(
    private readonly client: Client,
    private readonly spec: IndexSpec,
    private readonly options: IndexLayoutOptions = {},
  ) {
    if (spec.timePartitions === undefined) {
      throw new Error(`index spec "${spec.alias}" is not time-partitioned`);
    }
    this.scheme = new TimePartitionScheme(
      `${options.prefix ?? ''}${spec.alias}`,
      spec.timePartitions.sizeMs,
    );
  }

  /** `<prefix><alias>`: the partitions' common name, also the name of their template. */
  get family(): string {
    return this.scheme.family;
  }

  get readPattern(): string {
    return this.scheme.readPattern;
  }

  get sizeMs(): number {
    return this.scheme.sizeMs;
  }

  /** The partition a document of this event time (epoch ms) is written to. */
  indexFor(timeMs: number): string {
    return this.scheme.indexFor(timeMs);
  }

  /**
   * The template every partition is created from, and the spec's mapping on
   * the partitions that exist already (an added field must not wait for the
   * next partition; a conflicting change fails here, with Elasticsearch's reason).
   */
  async putTemplate(): Promise<void> {
    await this.client.indices.putIndexTemplate({
      name: this.family,
      index_patterns: [this.readPattern],
      priority: 200,
      // Wins over `action.auto_create_index: -meetup_*` (the chart's), which is
      // meant for names that must exist before the first write.
      allow_auto_create: true,
      _meta: { ...templateMeta(this.spec), partition_size_ms: this.sizeMs },
      template: indexTemplateContent(this.spec, this.options),
    });
    await this.client.indices.putMapping({
      index: this.readPattern,
      allow_no_indices: true,
      ignore_unavailable: true,
      dynamic: this.spec.mappings.dynamic,
      properties: this.spec.mappings.properties,
    });
  }

  /** The partitions that exist, oldest first; names of other shapes under the pattern are left out. */
  async partitions(): Promise<TimePartition[]> {
    const resolved = await this.client.indices.resolveIndex({
      name: this.readPattern,
      expand_wildcards: ['open', 'closed'],
    });
    return resolved.indices
      .map((found) => this.scheme.partitionNamed(found.name))
      .filter((partition) => partition !== undefined)
      .sort((a, b) => a.startMs - b.startMs);
  }

  /**
   * Deletes every partition whose time range ends at or before `cutoffMs`
   * and returns the ones this call deleted. Safe to repeat and to run
   * concurrently: a partition another caller deleted first is skipped. A
   * later write of an older event time (a replay) creates its partition
   * again; the next call drops it again.
   */
  async dropBefore(cutoffMs: number): Promise<string[]> {
    if (Number.isNaN(cutoffMs)) throw new RangeError('cutoff is not a time');
    const expired = (await this.partitions()).filter((p) => p.endMs <= cutoffMs);
    const dropped: string[] = [];
    for (const { index } of expired) {
      if (await this.deleteIfPresent(index)) dropped.push(index);
    }
    return dropped;
  }

  private async deleteIfPresent(index: string): Promise<boolean> {
    try {
      await this.client.indices.delete({ index });
      return true;
    } catch (error) {
      if (error instanceof errors.ResponseError && error.statusCode === 404) return false;
      throw error;
    }
  }
}
