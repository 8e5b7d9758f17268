import { ReplayBuffer, type StreamEntry } from './replay-buffer';

function entry(mtime: number, eventId?: string): StreamEntry {
  return { mtime, eventId, line: Buffer.from(`{"mtime":${mtime}}`) };
}

function filled(capacity: number, mtimes: number[]): ReplayBuffer {
  const buffer = new ReplayBuffer(capacity);
  for (const mtime of mtimes) buffer.append(entry(mtime));
  return buffer;
}

describe('ReplayBuffer', () => {
  it('numbers messages in arrival order from 0 and returns each by its number', () => {
    const buffer = filled(4, [10, 20, 30]);
    expect(buffer.start).toBe(0);
    expect(buffer.next).toBe(3);
    expect([0, 1, 2].map((seq) => buffer.get(seq)?.mtime)).toEqual([10, 20, 30]);
    expect(buffer.get(3)).toBeUndefined();
  });

  it('keeps only the last `capacity` messages once it wraps around', () => {
    const buffer = filled(3, [10, 20, 30, 40, 50]);
    expect(buffer.start).toBe(2);
    expect(buffer.next).toBe(5);
    expect(buffer.get(1)).toBeUndefined();
    expect([2, 3, 4].map((seq) => buffer.get(seq)?.mtime)).toEqual([30, 40, 50]);
  });

  it('starts a since_mtime client at the first held message newer than its mtime, late ones after it included', () => {
    const buffer = filled(10, [100, 200, 150, 300, 120]);
    expect(buffer.seqAfterMtime(150)).toBe(1);
    expect(buffer.seqAfterMtime(250)).toBe(3);
    expect(buffer.seqAfterMtime(0)).toBe(0);
  });

  it('starts a since_mtime client newer than everything held at the live end', () => {
    const buffer = filled(10, [100, 200]);
    expect(buffer.seqAfterMtime(200)).toBe(buffer.next);
    expect(new ReplayBuffer(5).seqAfterMtime(0)).toBe(0);
  });

  it('searches since_mtime only among the messages still held', () => {
    const buffer = filled(2, [500, 100, 200]);
    // 500 is gone: the oldest held message newer than 50 is number 1.
    expect(buffer.seqAfterMtime(50)).toBe(1);
    expect(buffer.seqAfterMtime(400)).toBe(3);
  });

  it('starts a since_count client `count` messages back, never before the oldest held', () => {
    const buffer = filled(3, [1, 2, 3, 4, 5]);
    expect(buffer.seqOfLast(2)).toBe(3);
    expect(buffer.seqOfLast(0)).toBe(5);
    expect(buffer.seqOfLast(100)).toBe(2);
  });
});
