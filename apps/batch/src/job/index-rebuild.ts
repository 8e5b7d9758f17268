import type { Client } from '@elastic/elasticsearch';
import { versionedIndexName } from '@meetup/elasticsearch';
import type { Rebuild } from './batch-storage';

export interface RebuildTarget {
  alias: string;
  version: number;
}

/** The index a rebuild writes an alias's documents into: `<alias>-v<version>-<stamp>`. */
export const rebuildIndexName = (target: RebuildTarget, stamp: string): string =>
  `${versionedIndexName(target.alias, target.version)}-${stamp}`;

/** What an alias holds before the swap: the indices behind it, and every versioned index of it. */
export interface AliasIndices {
  behind: readonly string[];
  versioned: readonly string[];
}

/**
 * The one `_aliases` request that moves every alias to its new index (removing the
 * indices behind it), and the indices to drop afterwards: every versioned index of
 * the alias but the new one, so orphans of a crashed rebuild go too.
 */
export function aliasSwap(
  built: ReadonlyMap<string, string>,
  current: ReadonlyMap<string, AliasIndices>,
) {
  const actions: (
    | { remove: { index: string; alias: string } }
    | { add: { index: string; alias: string; is_write_index: true } }
  )[] = [];
  const old: string[] = [];
  for (const [alias, index] of built) {
    const { behind = [], versioned = [] } = current.get(alias) ?? {};
    old.push(...versioned.filter((name) => name !== index));
    actions.push(...behind.map((name) => ({ remove: { index: name, alias } })));
    actions.push({ add: { index, alias, is_write_index: true } });
  }
  return { actions, old };
}

/**
 * A full rebuild writes into fresh versioned indices (`<alias>-v<version>-<ts>`,
 * so the alias's index template applies) and then moves every alias in one
 * `_aliases` request: readers see the old indices or the new, never a
 * half-built one. Old indices, and any left by a crashed rebuild, are deleted
 * afterwards.
 */
export class IndexRebuild implements Rebuild {
  private readonly indices = new Map<string, string>();

  constructor(
    private readonly client: Client,
    private readonly targets: readonly RebuildTarget[],
    private readonly stamp: string,
  ) {}

  /** Creates the new indices, with refresh off while they are built. */
  async create(): Promise<void> {
    for (const target of this.targets) {
      const index = rebuildIndexName(target, this.stamp);
      await this.client.indices.create({
        index,
        settings: { refresh_interval: '-1' },
        wait_for_active_shards: 1,
      });
      this.indices.set(target.alias, index);
    }
  }

  indexFor(alias: string): string {
    const index = this.indices.get(alias);
    if (!index) throw new Error(`no rebuild index for ${alias}`);
    return index;
  }

  /** Makes the new indices searchable and swaps every alias at once; then drops the old ones. */
  async swap(): Promise<string[]> {
    const built = [...this.indices.values()];
    await this.client.indices.putSettings({ index: built, settings: { refresh_interval: '1s' } });
    await this.client.indices.refresh({ index: built });
    const current = new Map<string, AliasIndices>();
    for (const alias of this.indices.keys()) {
      current.set(alias, {
        behind: await this.indicesBehind(alias),
        versioned: await this.versionedIndices(alias),
      });
    }
    const { actions, old } = aliasSwap(this.indices, current);
    await this.client.indices.updateAliases({ actions });
    if (old.length > 0) await this.client.indices.delete({ index: old });
    return old;
  }

  /** Drops the half-built indices of a run that failed. */
  async abandon(): Promise<void> {
    const built = [...this.indices.values()];
    if (built.length > 0)
      await this.client.indices.delete({ index: built, ignore_unavailable: true });
  }

  private async indicesBehind(alias: string): Promise<string[]> {
    if (!(await this.client.indices.existsAlias({ name: alias }))) return [];
    return Object.keys(await this.client.indices.getAlias({ name: alias }));
  }

  /** Every versioned index of the alias (the new one, the ones behind it, orphans). */
  private async versionedIndices(alias: string): Promise<string[]> {
    const found = await this.client.indices.get({
      index: `${alias}-v*`,
      expand_wildcards: ['open', 'closed'],
      allow_no_indices: true,
    });
    return Object.keys(found);
  }
}
