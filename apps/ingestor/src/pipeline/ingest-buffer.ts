import type { IHeaders } from 'kafkajs';

/** A record waiting to be produced. */
export interface PendingRecord {
  topic: string;
  key: string | null;
  value: Buffer;
  headers: IHeaders;
  source: string;
  /** Newest mtime the source had delivered when this record arrived (its resume position once produced). */
  watermark: number | undefined;
  /** DLQ reason code, for DLQ records. */
  dlqReason?: string;
}

/**
 * A bounded FIFO between the stream readers and the Kafka writer. It never
 * refuses a record (a valid record is never dropped); instead it reports
 * pressure when full, and the readers stop reading until it drains to half.
 */
export class IngestBuffer {
  private records: PendingRecord[] = [];
  private pressured = false;
  private readonly pressureListeners: ((pressured: boolean) => void)[] = [];
  private readonly waiters: (() => void)[] = [];

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.records.length;
  }

  get fillRatio(): number {
    return this.records.length / this.capacity;
  }

  get underPressure(): boolean {
    return this.pressured;
  }

  onPressure(listener: (pressured: boolean) => void): void {
    this.pressureListeners.push(listener);
  }

  push(record: PendingRecord): void {
    this.records.push(record);
    if (!this.pressured && this.records.length >= this.capacity) this.setPressure(true);
    this.waiters.splice(0).forEach((wake) => {
      wake();
    });
  }

  /** From the head, in order: at most `max` records and `maxBytes` of values (one at least). */
  take(max: number, maxBytes = Infinity): PendingRecord[] {
    let count = 0;
    let bytes = 0;
    for (const record of this.records) {
      if (count >= max || (count > 0 && bytes + record.value.length > maxBytes)) break;
      bytes += record.value.length;
      count += 1;
    }
    const taken = this.records.slice(0, count);
    this.records = this.records.slice(taken.length);
    if (this.pressured && this.records.length <= this.capacity / 2) this.setPressure(false);
    return taken;
  }

  /** Resolves when a record is waiting, or after `timeoutMs`. */
  waitForRecords(timeoutMs: number): Promise<void> {
    if (this.records.length > 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private setPressure(pressured: boolean): void {
    this.pressured = pressured;
    for (const listener of this.pressureListeners) listener(pressured);
  }
}
