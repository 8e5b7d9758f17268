import { Writable } from 'node:stream';
import { createLogger } from '@meetup/observability';
import { ProgressReporter } from './progress-reporter';

function reporter() {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger(
    { serviceName: 'batch', level: 'info' },
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    }),
  );
  let clock = 0;
  const subject = new ProgressReporter({
    logger,
    interactive: false,
    intervalMs: 5_000,
    now: () => clock,
  });
  return {
    subject,
    lines,
    at: (ms: number) => {
      clock = ms;
    },
  };
}

describe('ProgressReporter (log lines)', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('logs the phase’s progress every interval and a last line when the phase ends', () => {
    const { subject, lines, at } = reporter();
    subject.start('groups', 100);
    subject.advance(10, 400);
    at(5_000);
    jest.advanceTimersByTime(5_000);
    expect(lines).toEqual([
      expect.objectContaining({
        msg: 'batch progress',
        phase: 'groups',
        done: 10,
        total: 100,
        rate: 2,
        rsvpsScanned: 400,
      }),
    ]);
    subject.advance(90, 600);
    at(8_000);
    subject.finish();
    expect(lines.at(-1)).toMatchObject({
      phase: 'groups',
      done: 100,
      total: 100,
      rsvpsScanned: 1_000,
    });
    jest.advanceTimersByTime(20_000);
    expect(lines).toHaveLength(2);
  });

  it('ends the previous phase when the next starts, and counts RSVPs per phase', () => {
    const { subject, lines } = reporter();
    subject.start('groups', 2);
    subject.advance(2, 50);
    subject.start('events', 5);
    subject.advance(1, 7);
    subject.finish();
    expect(lines.map((l) => [l.phase, l.done, l.rsvpsScanned])).toEqual([
      ['groups', 2, 50],
      ['events', 1, 7],
    ]);
  });

  it('corrects a total estimated at the start', () => {
    const { subject, lines } = reporter();
    subject.start('events', 10);
    subject.setTotal(40);
    subject.advance(4, 0);
    subject.finish();
    expect(lines[0]).toMatchObject({ done: 4, total: 40 });
  });

  it('says nothing when no phase runs', () => {
    const { subject, lines } = reporter();
    subject.finish();
    subject.advance(1, 1);
    expect(lines).toEqual([]);
  });
});
