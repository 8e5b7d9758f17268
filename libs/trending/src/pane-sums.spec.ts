import { PaneSums } from './pane-sums';

describe('PaneSums', () => {
  it('sums the panes of a window', () => {
    const sums = new PaneSums(
      new Map([
        [0, 1],
        [10_000, 2],
        [30_000, 4],
      ]),
    );
    expect(sums.sum(0, 30_000)).toBe(3);
    expect(sums.sum(10_000, 40_000)).toBe(6);
    expect(sums.sum(40_000, 90_000)).toBe(0);
  });

  it('takes the panes of a map in time order, whatever order they were set in', () => {
    const sums = new PaneSums(
      new Map([
        [30_000, 4],
        [0, 1],
      ]),
    );
    expect(sums.paneStarts()).toEqual([0, 30_000]);
    expect(sums.sum(0, 10_000)).toBe(1);
  });

  it('lists the panes from a time on', () => {
    const sums = new PaneSums(
      new Map([
        [0, 1],
        [10_000, 2],
        [30_000, 4],
      ]),
    );
    expect(sums.paneStartsFrom(10_000)).toEqual([10_000, 30_000]);
    expect(sums.paneStartsFrom(10_001)).toEqual([30_000]);
  });
});

describe('PaneSums over a running stream', () => {
  it('answers window sums for panes appended as they complete', () => {
    const sums = new PaneSums();
    sums.append(0, 1);
    sums.append(20_000, 3);
    expect(sums.sum(0, 30_000)).toBe(4);
    sums.append(30_000, 5);
    expect(sums.sum(10_000, 40_000)).toBe(8);
    expect(sums.last).toBe(30_000);
  });

  it('refuses a pane that is not after the newest one', () => {
    const sums = new PaneSums(new Map([[10_000, 1]]));
    expect(() => {
      sums.append(10_000, 2);
    }).toThrow(/appended after pane 10000/);
  });

  it('forgets dropped panes and keeps the sums of the others exact', () => {
    const sums = new PaneSums();
    for (let pane = 0; pane < 1_000; pane += 1) sums.append(pane * 10, pane);
    sums.dropBefore(5_000);
    expect(sums.sum(0, 5_010)).toBe(500);
    expect(sums.sum(5_000, 5_030)).toBe(500 + 501 + 502);
    expect(sums.paneStarts()[0]).toBe(5_000);
    sums.dropBefore(100_000);
    expect(sums.last).toBeUndefined();
    expect(sums.sum(0, 100_000)).toBe(0);
    sums.append(200_000, 7);
    expect(sums.sum(0, 300_000)).toBe(7);
  });
});
