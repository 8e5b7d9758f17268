import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PublishedMessage } from './message-source';
import { mtimeSpan, ReplaySource, type ReplaySourceOptions } from './replay-source';

const T = 1_500_000_000_000;
let dir: string;

function recording(name: string, lines: string[]): string {
  const file = join(dir, name);
  writeFileSync(file, lines.join('\n'));
  return file;
}

function rsvp(id: number, mtime: number): string {
  return JSON.stringify({ rsvp_id: id, mtime, event: { event_id: `e${id}` } });
}

/** Runs a replay; answers each published batch's messages, and whether it finished. */
function replay(options: ReplaySourceOptions) {
  const batches: PublishedMessage[][] = [];
  let finished = false;
  const source = new ReplaySource(options);
  source.start(
    (messages) => batches.push(messages),
    () => (finished = true),
  );
  return { source, batches, finished: () => finished };
}

describe('ReplaySource', () => {
  beforeEach(() => {
    jest.useFakeTimers();
    dir = mkdtempSync(join(tmpdir(), 'replay-source-'));
  });

  afterEach(() => {
    jest.useRealTimers();
    rmSync(dir, { recursive: true, force: true });
  });

  it('publishes every line of the files in order, byte for byte, blank lines left out', () => {
    const a = recording('a.ndjson', [rsvp(1, T), '', rsvp(2, T + 5), '  ']);
    const b = recording('b.ndjson', ['{"broken', rsvp(3, T + 9)]);
    const run = replay({ files: [a, b], speed: 'max', loop: false });
    const messages = run.batches.flat();
    expect(messages.map((m) => m.line.toString())).toEqual([
      rsvp(1, T),
      rsvp(2, T + 5),
      '{"broken',
      rsvp(3, T + 9),
    ]);
    expect(messages.map((m) => m.rsvpId)).toEqual([1, 2, undefined, 3]);
    expect(messages.map((m) => m.eventId)).toEqual(['e1', 'e2', undefined, 'e3']);
    expect(run.finished()).toBe(true);
  });

  it('gives a malformed line the newest mtime published before it', () => {
    const file = recording('a.ndjson', [rsvp(1, T + 50), rsvp(2, T + 10), 'not json']);
    const messages = replay({ files: [file], speed: 'max', loop: false }).batches.flat();
    expect(messages.map((m) => m.mtime)).toEqual([T + 50, T + 10, T + 50]);
  });

  it('publishes at most 1,000 messages in one batch at full speed', async () => {
    const lines = Array.from({ length: 2_500 }, (_, i) => rsvp(i + 1, T + i));
    const run = replay({ files: [recording('a.ndjson', lines)], speed: 'max', loop: false });
    await jest.runAllTimersAsync();
    expect(run.batches.map((b) => b.length)).toEqual([1_000, 1_000, 500]);
    expect(run.finished()).toBe(true);
  });

  it('paces the replay by the mtime steps divided by the speed', async () => {
    const file = recording('a.ndjson', [rsvp(1, T), rsvp(2, T + 4_000), rsvp(3, T + 6_000)]);
    const run = replay({ files: [file], speed: 2, loop: false });
    expect(run.batches.flat().map((m) => m.rsvpId)).toEqual([1, 2]);
    await jest.advanceTimersByTimeAsync(1_999);
    expect(run.batches.flat()).toHaveLength(2);
    await jest.advanceTimersByTimeAsync(1);
    expect(run.batches.flat().map((m) => m.rsvpId)).toEqual([1, 2, 3]);
    expect(run.finished()).toBe(true);
  });

  it('caps a long jump in mtime at 10 s, and does not wait for an out-of-order step back', async () => {
    const file = recording('a.ndjson', [
      rsvp(1, T),
      rsvp(2, T + 7 * 24 * 3_600_000),
      rsvp(3, T + 1_000),
      rsvp(4, T + 7 * 24 * 3_600_000 + 1),
    ]);
    const run = replay({ files: [file], speed: 1, loop: false });
    expect(run.batches.flat().map((m) => m.rsvpId)).toEqual([1, 2]);
    await jest.advanceTimersByTimeAsync(10_000);
    // Message 3 is older than the newest seen: no wait before message 4 (1 ms later than 2).
    expect(run.batches.flat().map((m) => m.rsvpId)).toEqual([1, 2, 3, 4]);
  });

  it('loops with fresh rsvp_ids and mtimes shifted past the recording, malformed lines as they were', async () => {
    const file = recording('a.ndjson', [rsvp(1, T), 'oops', rsvp(2, T + 2_000)]);
    const run = replay({ files: [file], speed: 'max', loop: true });
    await jest.advanceTimersByTimeAsync(0);
    await jest.advanceTimersByTimeAsync(0);
    run.source.stop();
    const [first, second] = run.batches;
    expect(first?.map((m) => [m.rsvpId, m.mtime])).toEqual([
      [1, T],
      [undefined, T],
      [2, T + 2_000],
    ]);
    // The recording spans 2 s; a round is shifted by that plus a second.
    const span = 3_000;
    expect(second?.map((m) => [m.rsvpId, m.mtime])).toEqual([
      [10_000_000_001, T + span],
      [undefined, T + span],
      [10_000_000_002, T + 2_000 + span],
    ]);
    expect(JSON.parse(second![0]!.line.toString())).toEqual({
      rsvp_id: 10_000_000_001,
      mtime: T + span,
      event: { event_id: 'e1' },
    });
    expect(second?.[1]?.line.toString()).toBe('oops');
    expect(run.finished()).toBe(false);
  });

  it('spans a recording of 200,000 lines (a fold: a spread of that many arguments overflows the stack)', () => {
    const lines = Array.from({ length: 200_000 }, (_, i) => Buffer.from(rsvp(i + 1, T + i * 10)));
    expect(mtimeSpan(lines)).toBe(199_999 * 10 + 1_000);
  });

  it('spans the recorded mtimes plus a second, whatever their order, malformed lines left out', () => {
    const lines = [rsvp(1, T + 5_000), 'not json', rsvp(2, T), rsvp(3, T + 2_000)].map((l) =>
      Buffer.from(l),
    );
    expect(mtimeSpan(lines)).toBe(6_000);
    expect(mtimeSpan([Buffer.from('not json')])).toBe(1_000);
  });

  it('publishes nothing more once stopped', async () => {
    const file = recording('a.ndjson', [rsvp(1, T), rsvp(2, T + 1_000)]);
    const run = replay({ files: [file], speed: 1, loop: false });
    run.source.stop();
    await jest.runAllTimersAsync();
    expect(run.batches.flat().map((m) => m.rsvpId)).toEqual([1, 2]);
    expect(run.batches).toHaveLength(1);
  });
});
