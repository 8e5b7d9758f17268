export interface ShardLayout {
  /** This replica, 0 ≤ index < count. */
  index: number;
  count: number;
  /** How many replicas keep each shard (1: no redundancy). */
  redundancy: number;
}

/**
 * Replica i of N keeps the records with `rsvp_id mod N == i`; with
 * redundancy r it also keeps the shards of its r-1 predecessors, so each
 * shard is held by its owner and the owner's r-1 successors.
 */
export class ShardFilter {
  constructor(private readonly layout: ShardLayout) {}

  keeps(rsvpId: number): boolean {
    return this.keepsShard(rsvpId % this.layout.count);
  }

  /** For messages without a trustworthy rsvp_id (malformed): shard by a hash of the bytes. */
  keepsBytes(raw: Buffer): boolean {
    return this.keepsShard(fnv1a(raw) % this.layout.count);
  }

  private keepsShard(shard: number): boolean {
    const { index, count, redundancy } = this.layout;
    return (index - shard + count) % count < redundancy;
  }
}

function fnv1a(bytes: Buffer): number {
  let hash = 0x811c9dc5;
  for (const byte of bytes) hash = Math.imul(hash ^ byte, 0x01000193);
  return hash >>> 0;
}
