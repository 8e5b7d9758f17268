import type { Checkpoint } from './checkpoint-store';
import type { PendingRecord } from './ingest-buffer';
import { SourceProgress } from './source-progress';

const INTERVAL_MS = 1_000;
const T0 = 1_700_000_000_000;

function produced(source: string, watermark: number | undefined): PendingRecord {
  return {
    topic: 'meetup.rsvps',
    key: 'e',
    value: Buffer.from('{}'),
    headers: {},
    source,
    watermark,
  };
}

function progress(replica = 0): SourceProgress {
  return new SourceProgress({ replica, checkpointIntervalMs: INTERVAL_MS });
}

const stored = (entries: [string, number][]): Map<string, Checkpoint> =>
  new Map(entries.map(([key, mtime]) => [key, { mtime }]));

describe('SourceProgress', () => {
  it('resumes each source from the checkpoint this replica stored for it', () => {
    const subject = progress(2);
    const checkpoints = stored([
      ['meetup#2', 5_000],
      ['meetup#0', 9_000],
    ]);
    const resumed = subject.resume('meetup', checkpoints);
    expect(resumed).toMatchObject({ key: 'meetup#2', checkpoint: 5_000 });
    expect(resumed.position.received).toBe(5_000);
    expect(subject.position('meetup')).toBe(resumed.position);
  });

  it('starts a source without a checkpoint with no position', () => {
    const subject = progress();
    const resumed = subject.resume('replay', stored([['meetup#0', 5_000]]));
    expect(resumed).toMatchObject({ key: 'replay#0', checkpoint: undefined });
    expect(resumed.position.received).toBeUndefined();
    expect(subject.position('other')).toBeUndefined();
  });

  it('writes a checkpoint once the records up to it are acknowledged', () => {
    const subject = progress();
    const { position } = subject.resume('meetup', new Map());
    expect(subject.dueCheckpoints(T0)).toEqual([]);
    position.observe(2_000);
    position.enqueued();
    subject.acknowledged([produced('meetup', 2_000)]);
    expect(subject.dueCheckpoints(T0 + INTERVAL_MS)).toEqual([
      { key: 'meetup#0', checkpoint: { mtime: 2_000 } },
    ]);
  });

  it('writes at most one checkpoint per interval, and only for positions that moved', () => {
    const subject = progress();
    const { position } = subject.resume('meetup', new Map());
    const step = (mtime: number) => {
      position.observe(mtime);
      position.enqueued();
      subject.acknowledged([produced('meetup', mtime)]);
    };
    step(1_000);
    expect(subject.dueCheckpoints(T0)).toHaveLength(1);
    step(2_000);
    expect(subject.dueCheckpoints(T0 + INTERVAL_MS - 1)).toEqual([]);
    expect(subject.dueCheckpoints(T0 + INTERVAL_MS)).toEqual([
      { key: 'meetup#0', checkpoint: { mtime: 2_000 } },
    ]);
    expect(subject.dueCheckpoints(T0 + 5 * INTERVAL_MS)).toEqual([]);
  });

  it('does not rewrite the checkpoint it resumed from', () => {
    const subject = progress();
    subject.resume('meetup', stored([['meetup#0', 5_000]]));
    expect(subject.dueCheckpoints(T0)).toEqual([]);
  });

  it('writes whatever moved at the next call after checkpointNextTime, however recent the last write', () => {
    const subject = progress();
    const { position } = subject.resume('meetup', new Map());
    expect(subject.dueCheckpoints(T0)).toEqual([]);
    position.observe(3_000);
    position.handledAtOnce();
    expect(subject.dueCheckpoints(T0 + 1)).toEqual([]);
    subject.checkpointNextTime();
    expect(subject.dueCheckpoints(T0 + 2)).toEqual([
      { key: 'meetup#0', checkpoint: { mtime: 3_000 } },
    ]);
  });

  it('moves each source by its own records of a batch, to the last one’s watermark', () => {
    const subject = progress();
    const meetup = subject.resume('meetup', new Map()).position;
    const replay = subject.resume('replay', new Map()).position;
    for (const mtime of [1_000, 2_000, 3_000]) {
      meetup.observe(mtime);
      meetup.enqueued();
    }
    replay.observe(500);
    replay.enqueued();
    subject.acknowledged([
      produced('meetup', 1_000),
      produced('replay', 500),
      produced('meetup', 2_000),
    ]);
    expect(meetup.done).toBe(2_000);
    expect(replay.done).toBe(500);
    expect(subject.dueCheckpoints(T0)).toEqual([
      { key: 'meetup#0', checkpoint: { mtime: 2_000 } },
      { key: 'replay#0', checkpoint: { mtime: 500 } },
    ]);
  });

  it('keeps the last known watermark of a source when its later records carry none', () => {
    const subject = progress();
    const { position } = subject.resume('meetup', new Map());
    position.observe(1_000);
    for (let i = 0; i < 3; i += 1) position.enqueued();
    subject.acknowledged([produced('meetup', 1_000), produced('meetup', undefined)]);
    expect(position.done).toBe(1_000);
  });

  it('ignores acknowledged records of a source it does not know', () => {
    const subject = progress();
    subject.acknowledged([produced('gone', 1_000)]);
    expect(subject.dueCheckpoints(T0)).toEqual([]);
  });

  it('reports how far behind the clock each source’s newest record is, for sources that received any', () => {
    const subject = progress();
    subject.resume('meetup', stored([['meetup#0', T0 - 2_500]]));
    subject.resume('replay', new Map());
    expect([...subject.lagSeconds(T0)]).toEqual([['meetup', 2.5]]);
  });
});
