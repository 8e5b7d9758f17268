import { errors, type Client, type estypes } from '@elastic/elasticsearch';
import { indexTemplateContent, templateMeta, type IndexLayoutOptions } from './index-template';
import type { IndexSpec } from './templates/index-spec';
import { TimePartitionedIndex } from './time-partitioned-index';

export type IndexBootstrapOptions = IndexLayoutOptions;

export type IndexBootstrapResult = VersionedIndexResult | PartitionedIndexResult;

/** An alias over a versioned index. */
export interface VersionedIndexResult {
  layout: 'versioned';
  alias: string;
  index: string;
  created: boolean;
  /** Older versioned indices the alias pointed to, copied into the new one. */
  reindexedFrom: string[];
}

/** A time-partitioned family: its template is in place; partitions come with their first write. */
export interface PartitionedIndexResult {
  layout: 'time-partitioned';
  family: string;
  readPattern: string;
  partitionSizeMs: number;
}

/** Name of the versioned index behind an alias. */
export function versionedIndexName(alias: string, version: number): string {
  return `${alias}-v${version}`;
}

/**
 * Creates templates, versioned indices and aliases; safe to run any number
 * of times, also concurrently. When a spec's version is newer than the index
 * its alias points to, the old index is copied into the new one and the
 * alias is swapped atomically; the old index is kept for the operator.
 * A time-partitioned spec gets its family's template only (TimePartitionedIndex).
 */
export class IndexBootstrapper {
  constructor(
    private readonly client: Client,
    private readonly options: IndexBootstrapOptions = {},
  ) {}

  async apply(specs: readonly IndexSpec[]): Promise<IndexBootstrapResult[]> {
    const results: IndexBootstrapResult[] = [];
    for (const spec of specs) results.push(await this.applyOne(spec));
    return results;
  }

  aliasOf(spec: IndexSpec): string {
    return `${this.options.prefix ?? ''}${spec.alias}`;
  }

  private async applyOne(spec: IndexSpec): Promise<IndexBootstrapResult> {
    if (spec.timePartitions !== undefined) {
      const partitioned = new TimePartitionedIndex(this.client, spec, this.options);
      await partitioned.putTemplate();
      return {
        layout: 'time-partitioned',
        family: partitioned.family,
        readPattern: partitioned.readPattern,
        partitionSizeMs: partitioned.sizeMs,
      };
    }
    return this.applyVersioned(spec);
  }

  private async applyVersioned(spec: IndexSpec): Promise<VersionedIndexResult> {
    const alias = this.aliasOf(spec);
    const index = versionedIndexName(alias, spec.version);
    await this.putTemplate(alias, spec);
    await this.refuseConcreteIndexNamed(alias);
    const current = await this.indicesBehind(alias);
    // A full rebuild (batch) moves the alias to `<alias>-v<version>-<build>`:
    // that is the current version too, and stays where it is.
    const rebuilt = current.find((name) => name.startsWith(`${index}-`));
    if (rebuilt !== undefined && current.every((name) => isBuildOf(name, index))) {
      return { layout: 'versioned', alias, index: rebuilt, created: false, reindexedFrom: [] };
    }
    const created = await this.createIndex(index);
    const stale = current.filter((name) => name !== index);
    for (const source of stale) await copyDocuments(this.client, source, index);
    if (!current.includes(index) || stale.length > 0) {
      await this.client.indices.updateAliases({
        actions: [
          ...stale.map((name) => ({ remove: { index: name, alias } })),
          { add: { index, alias, is_write_index: true } },
        ],
      });
    }
    return { layout: 'versioned', alias, index, created, reindexedFrom: stale };
  }

  private async putTemplate(alias: string, spec: IndexSpec): Promise<void> {
    await this.client.indices.putIndexTemplate({
      name: alias,
      index_patterns: [`${alias}-v*`],
      priority: 200,
      _meta: templateMeta(spec),
      template: indexTemplateContent(spec, this.options),
    });
  }

  private async refuseConcreteIndexNamed(alias: string): Promise<void> {
    const exists = await this.client.indices.exists({ index: alias });
    if (!exists) return;
    const isAlias = await this.client.indices.existsAlias({ name: alias });
    if (!isAlias) {
      throw new Error(
        `index "${alias}" exists as a concrete index, but must be an alias; reindex it into "${alias}-v1" and delete it`,
      );
    }
  }

  private async createIndex(index: string): Promise<boolean> {
    try {
      await this.client.indices.create({ index, wait_for_active_shards: 1 });
      return true;
    } catch (error) {
      if (isAlreadyExists(error)) return false;
      throw error;
    }
  }

  private async indicesBehind(alias: string): Promise<string[]> {
    const found = await this.client.indices.existsAlias({ name: alias });
    if (!found) return [];
    return Object.keys(await this.client.indices.getAlias({ name: alias }));
  }
}

function isBuildOf(name: string, index: string): boolean {
  return name === index || name.startsWith(`${index}-`);
}

function isAlreadyExists(error: unknown): boolean {
  return (
    error instanceof errors.ResponseError &&
    error.body !== null &&
    typeof error.body === 'object' &&
    JSON.stringify(error.body).includes('resource_already_exists_exception')
  );
}

/**
 * Copies every document, keeping ids and versions (the raw index relies on
 * external versions = mtime). Done in the client with scroll and bulk because
 * `_reindex` is a module the local integration-test distribution lacks.
 */
async function copyDocuments(client: Client, source: string, dest: string): Promise<void> {
  const hits = client.helpers.scrollSearch<Record<string, unknown>>({
    index: source,
    size: 1_000,
    version: true,
    sort: ['_doc'],
  });
  const result = await client.helpers.bulk({
    datasource: flattenHits(hits),
    onDocument: (hit) => [
      { index: { _index: dest, _id: hit._id, version: hit._version, version_type: 'external' } },
      hit._source ?? {},
    ],
    refreshOnCompletion: dest,
  });
  if (result.failed > 0) {
    throw new Error(`copying ${source} into ${dest}: ${result.failed} documents failed`);
  }
}

async function* flattenHits<T>(
  pages: AsyncIterable<{ body: { hits: { hits: estypes.SearchHit<T>[] } } }>,
): AsyncGenerator<estypes.SearchHit<T>> {
  for await (const page of pages) yield* page.body.hits.hits;
}
