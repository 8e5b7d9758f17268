import type { estypes } from '@elastic/elasticsearch';
import type { IndexAlias } from '@meetup/contracts';

/** What the bootstrap needs to create one alias: template, version, mappings. */
export interface IndexSpec {
  alias: IndexAlias;
  /** Bump when the mapping changes: a new versioned index is built and the alias moves to it. */
  version: number;
  mappings: estypes.MappingTypeMapping;
  settings?: estypes.IndicesIndexSettings;
}
