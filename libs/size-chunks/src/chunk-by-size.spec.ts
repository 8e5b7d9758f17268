import { chunkBySize } from './chunk-by-size';

const item = (bytes: number, id: number) => ({ id, bytes });
const ids = (runs: { id: number }[][]) => runs.map((run) => run.map((i) => i.id));
const bytesOf = (i: { bytes: number }) => i.bytes;

describe('chunkBySize', () => {
  it('keeps the order and puts as many items in a run as fit the limit', () => {
    const items = [item(40, 1), item(40, 2), item(40, 3), item(10, 4), item(90, 5)];
    expect(ids(chunkBySize(items, bytesOf, 100))).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('puts an item larger than the limit in a run of its own rather than never', () => {
    const items = [item(10, 1), item(500, 2), item(10, 3)];
    expect(ids(chunkBySize(items, bytesOf, 100))).toEqual([[1], [2], [3]]);
  });

  it('fills a run exactly up to the limit and gives no run for no items', () => {
    expect(ids(chunkBySize([item(60, 1), item(40, 2), item(1, 3)], bytesOf, 100))).toEqual([
      [1, 2],
      [3],
    ]);
    expect(chunkBySize([], bytesOf, 100)).toEqual([]);
  });
});
