import type { estypes } from '@elastic/elasticsearch';
import type { IndexAlias } from '@meetup/contracts';

/** What the bootstrap needs to create one alias: template, version, mappings. */
export interface IndexSpec {
  alias: IndexAlias;
  /** Bump when the mapping changes: a new versioned index is built and the alias moves to it. */
  version: number;
  mappings: estypes.MappingTypeMapping;
  settings?: estypes.IndicesIndexSettings;
  /**
   * Set for data needed only for a while: instead of an alias over a
   * versioned index, a family of indices, one per span of event time, that
   * retention drops whole (see TimePartitionedIndex). The bootstrap puts only
   * their template; a mapping change reaches new partitions through it and
   * existing ones as an added field.
   */
  timePartitions?: TimePartitioning;
}

export interface TimePartitioning {
  /** Event time each partition holds; must divide a day. Default one hour. */
  sizeMs?: number;
}
