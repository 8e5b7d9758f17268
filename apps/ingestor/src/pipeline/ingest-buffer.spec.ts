import { IngestBuffer, type PendingRecord } from './ingest-buffer';

function record(n: number): PendingRecord {
  return {
    topic: 'rsvps',
    key: `event-${n}`,
    value: Buffer.from(String(n)),
    headers: {},
    source: 'meetup',
    watermark: n,
  };
}

function keys(records: PendingRecord[]): (string | null)[] {
  return records.map((r) => r.key);
}

describe('IngestBuffer', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('hands records out in arrival order, at most `max` at a time', () => {
    const buffer = new IngestBuffer(10);
    [1, 2, 3, 4, 5].forEach((n) => {
      buffer.push(record(n));
    });
    expect(keys(buffer.take(2))).toEqual(['event-1', 'event-2']);
    expect(keys(buffer.take(10))).toEqual(['event-3', 'event-4', 'event-5']);
    expect(buffer.take(10)).toEqual([]);
    expect(buffer.size).toBe(0);
  });

  it('bounds a take by bytes as well, handing out an oversized record alone', () => {
    const buffer = new IngestBuffer(10);
    const sized = (n: number, bytes: number) => ({ ...record(n), value: Buffer.alloc(bytes) });
    [sized(1, 300), sized(2, 300), sized(3, 300), sized(4, 2_000), sized(5, 10)].forEach((r) => {
      buffer.push(r);
    });
    expect(keys(buffer.take(10, 700))).toEqual(['event-1', 'event-2']);
    expect(keys(buffer.take(10, 700))).toEqual(['event-3']);
    expect(keys(buffer.take(10, 700))).toEqual(['event-4']);
    expect(keys(buffer.take(10, 700))).toEqual(['event-5']);
  });

  it('accepts records past its capacity rather than drop a valid one', () => {
    const buffer = new IngestBuffer(2);
    [1, 2, 3, 4].forEach((n) => {
      buffer.push(record(n));
    });
    expect(buffer.size).toBe(4);
    expect(buffer.fillRatio).toBe(2);
    expect(keys(buffer.take(4))).toEqual(['event-1', 'event-2', 'event-3', 'event-4']);
  });

  it('reports pressure once full and releases it only when drained to half (hysteresis)', () => {
    const buffer = new IngestBuffer(4);
    const changes: boolean[] = [];
    buffer.onPressure((pressured) => changes.push(pressured));
    [1, 2, 3].forEach((n) => {
      buffer.push(record(n));
    });
    expect(buffer.underPressure).toBe(false);
    buffer.push(record(4));
    expect(buffer.underPressure).toBe(true);
    buffer.push(record(5));
    buffer.take(2);
    // 3 left of 4: above half, the readers stay paused.
    expect(buffer.underPressure).toBe(true);
    buffer.take(1);
    expect(buffer.underPressure).toBe(false);
    expect(changes).toEqual([true, false]);
  });

  it('tells every listener about each change of pressure', () => {
    const buffer = new IngestBuffer(1);
    const first: boolean[] = [];
    const second: boolean[] = [];
    buffer.onPressure((p) => first.push(p));
    buffer.onPressure((p) => second.push(p));
    buffer.push(record(1));
    buffer.take(1);
    buffer.push(record(2));
    expect(first).toEqual([true, false, true]);
    expect(second).toEqual(first);
  });

  it('answers at once when a record is already waiting', async () => {
    jest.useFakeTimers();
    const buffer = new IngestBuffer(4);
    buffer.push(record(1));
    await expect(buffer.waitForRecords(60_000)).resolves.toBeUndefined();
    expect(jest.getTimerCount()).toBe(0);
  });

  it('wakes a waiting writer when a record arrives, and clears its timer', async () => {
    jest.useFakeTimers();
    const buffer = new IngestBuffer(4);
    let woken = false;
    const waiting = buffer.waitForRecords(60_000).then(() => {
      woken = true;
    });
    await Promise.resolve();
    expect(woken).toBe(false);
    buffer.push(record(1));
    await waiting;
    expect(woken).toBe(true);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('gives up waiting after the timeout when nothing arrives', async () => {
    jest.useFakeTimers();
    const buffer = new IngestBuffer(4);
    let woken = false;
    const waiting = buffer.waitForRecords(1_000).then(() => {
      woken = true;
    });
    await jest.advanceTimersByTimeAsync(999);
    expect(woken).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    await waiting;
    expect(woken).toBe(true);
  });
});
