/** An async iterator that can look at its next item without taking it. */
export class Peekable<T> {
  private head: IteratorResult<T> | undefined;

  constructor(private readonly source: AsyncIterator<T>) {}

  async peek(): Promise<T | undefined> {
    this.head ??= await this.source.next();
    return this.head.done ? undefined : this.head.value;
  }

  /** Takes items while they satisfy the predicate. */
  async *takeWhile(predicate: (item: T) => boolean): AsyncGenerator<T> {
    for (;;) {
      const item = await this.peek();
      if (item === undefined || !predicate(item)) return;
      this.head = undefined;
      yield item;
    }
  }
}
