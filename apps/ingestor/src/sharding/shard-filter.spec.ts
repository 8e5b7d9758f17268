import { ShardFilter } from './shard-filter';

function owners(count: number, redundancy: number, rsvpId: number): number[] {
  return Array.from({ length: count }, (_, index) => index).filter((index) =>
    new ShardFilter({ index, count, redundancy }).keeps(rsvpId),
  );
}

describe('ShardFilter', () => {
  it('gives every rsvp to exactly the replica rsvp_id mod N', () => {
    for (let id = 1_000; id < 1_050; id += 1) expect(owners(3, 1, id)).toEqual([id % 3]);
  });

  it('with redundancy r, gives each shard to its owner and the r-1 successors', () => {
    expect(owners(4, 2, 8)).toEqual([0, 1]);
    expect(owners(4, 2, 11)).toEqual([0, 3]);
    expect(owners(3, 3, 7)).toEqual([0, 1, 2]);
  });

  it('places a malformed message on one replica, the same one every time', () => {
    const raw = Buffer.from('not json');
    const keepers = [0, 1, 2].filter((index) =>
      new ShardFilter({ index, count: 3, redundancy: 1 }).keepsBytes(raw),
    );
    expect(keepers).toHaveLength(1);
  });
});
