import type { estypes } from '@elastic/elasticsearch';
import type { IndexSpec } from './templates/index-spec';

/** Where and how the indices of the specs are laid out. */
export interface IndexLayoutOptions {
  /** Prefix for every alias, template and index (tests use it to own their names). */
  prefix?: string;
  shards?: number;
  /** 0 on a single node, so the local cluster turns green. */
  replicas?: number;
}

/** What every index made from a spec gets: its settings and mappings. */
export function indexTemplateContent(
  spec: IndexSpec,
  options: IndexLayoutOptions,
): estypes.IndicesPutIndexTemplateIndexTemplateMapping {
  return {
    settings: {
      number_of_shards: options.shards ?? 1,
      number_of_replicas: options.replicas ?? 0,
      ...spec.settings,
    },
    mappings: spec.mappings,
  };
}

/** Marks the templates this project owns, with the spec's version. */
export function templateMeta(spec: IndexSpec): Record<string, unknown> {
  return { managed_by: 'meetup-analytics', version: spec.version };
}
