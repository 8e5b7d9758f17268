import { Peekable } from './peekable';

async function* items<T>(values: T[], pulled: T[] = []): AsyncGenerator<T> {
  for (const value of values) {
    await Promise.resolve();
    pulled.push(value);
    yield value;
  }
}

async function all<T>(source: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of source) out.push(item);
  return out;
}

describe('Peekable', () => {
  it('shows the next item without taking it', async () => {
    const pulled: number[] = [];
    const peekable = new Peekable(items([1, 2], pulled));
    expect(await peekable.peek()).toBe(1);
    expect(await peekable.peek()).toBe(1);
    expect(pulled).toEqual([1]);
  });

  it('takes items while they match and leaves the first that does not for the next taker', async () => {
    const peekable = new Peekable(items([1, 1, 2, 2, 3]));
    expect(await all(peekable.takeWhile((n) => n === 1))).toEqual([1, 1]);
    expect(await peekable.peek()).toBe(2);
    expect(await all(peekable.takeWhile((n) => n === 2))).toEqual([2, 2]);
    expect(await all(peekable.takeWhile((n) => n === 2))).toEqual([]);
    expect(await all(peekable.takeWhile(() => true))).toEqual([3]);
  });

  it('answers undefined at the end, however often asked', async () => {
    const peekable = new Peekable(items<number>([]));
    expect(await peekable.peek()).toBeUndefined();
    expect(await peekable.peek()).toBeUndefined();
    expect(await all(peekable.takeWhile(() => true))).toEqual([]);
  });
});
