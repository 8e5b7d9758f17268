import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManifestWriter } from './manifest-writer';
import type { PublishedMessage } from './message-source';

const record: PublishedMessage = {
  line: Buffer.from('{"rsvp_id":7}'),
  mtime: 1_000,
  rsvpId: 7,
  eventId: 'e',
};
const bad: PublishedMessage = {
  line: Buffer.from('{"rsvp_id":1,"mtime":'),
  mtime: 1_000,
  rsvpId: undefined,
  eventId: undefined,
  malformed: 'not_json',
};

describe('ManifestWriter', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    jest.useFakeTimers();
    dir = mkdtempSync(join(tmpdir(), 'manifest-'));
    file = join(dir, 'manifest.ndjson');
  });
  afterEach(() => {
    jest.useRealTimers();
    rmSync(dir, { recursive: true, force: true });
  });

  const lines = () =>
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as unknown);

  it('starts the manifest empty, replacing an older one', () => {
    writeFileSync(file, 'from an earlier run\n');
    new ManifestWriter(file).close();
    expect(readFileSync(file, 'utf8')).toBe('');
  });

  it('records a record by rsvp_id and mtime, an injected line by its code and raw text', () => {
    const writer = new ManifestWriter(file);
    writer.record([bad, record]);
    writer.close();
    expect(lines()).toEqual([
      { malformed: 'not_json', raw: '{"rsvp_id":1,"mtime":' },
      { rsvp_id: 7, mtime: 1_000 },
    ]);
  });

  it('writes what it recorded every 200 ms, in order, each line once', () => {
    const writer = new ManifestWriter(file);
    writer.record([record]);
    expect(lines()).toEqual([]);
    jest.advanceTimersByTime(200);
    expect(lines()).toHaveLength(1);
    writer.record([{ ...record, rsvpId: 8 }]);
    jest.advanceTimersByTime(200);
    writer.close();
    expect(lines()).toEqual([
      { rsvp_id: 7, mtime: 1_000 },
      { rsvp_id: 8, mtime: 1_000 },
    ]);
  });

  it('stops its timer on close', () => {
    new ManifestWriter(file).close();
    expect(jest.getTimerCount()).toBe(0);
  });
});
