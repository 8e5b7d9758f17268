import http from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createLogger, createMetricsRegistry } from '@meetup/observability';
import { loadSimulatorConfig } from './config/simulator.config';
import { createSimulatorMetrics } from './simulator.metrics';
import { Simulator } from './simulator.runtime';

const RSVPS = 300;

/** A recording of RSVPS lines, replayed at full speed. */
function recording(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'simulator-')), 'rsvps.ndjson');
  const lines = Array.from({ length: RSVPS }, (_, i) =>
    JSON.stringify({ rsvp_id: i + 1, mtime: 1_500_000_000_000 + i, response: 'yes' }),
  );
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

/** Reads the HTTP stream (no position: only what is published from now on) until `count` lines. */
function readLines(port: number, count: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const lines: string[] = [];
    let rest = '';
    const request = http.get(`http://127.0.0.1:${port}/2/rsvps`, (response) => {
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        const parts = (rest + chunk).split('\n');
        rest = parts.pop() ?? '';
        lines.push(...parts.filter((line) => line !== ''));
        if (lines.length >= count) {
          request.destroy();
          resolve(lines);
        }
      });
    });
    request.once('error', reject);
  });
}

function simulatorWith(env: Record<string, string>) {
  const log: string[] = [];
  const logger = createLogger(
    { serviceName: 'simulator', level: 'info' },
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        log.push(chunk.toString());
        done();
      },
    }),
  );
  const config = loadSimulatorConfig({
    SOURCE: 'replay',
    REPLAY_FILES: recording(),
    REPLAY_SPEED: 'max',
    STREAM_HOST: '127.0.0.1',
    STREAM_PORT: '0',
    RATE_LOG_INTERVAL_MS: '0',
    ...env,
  });
  const metrics = createSimulatorMetrics(createMetricsRegistry('simulator-test'));
  return { simulator: new Simulator(config, metrics, logger), log };
}

describe('a replay that waits for its first client', () => {
  let running: Simulator | undefined;
  afterEach(async () => {
    await running?.stop();
    running = undefined;
  });

  it('holds the replay until a client connects, then sends it every recorded RSVP', async () => {
    const { simulator, log } = simulatorWith({ WAIT_FOR_CLIENTS: '1' });
    running = simulator;
    await simulator.start();
    // Longer than a full-speed replay of the file takes: nothing may be published meanwhile.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(log.join('')).toContain('the source starts when enough clients are connected');
    expect(log.join('')).not.toContain('source finished');
    const lines = await readLines(simulator.port ?? 0, RSVPS);
    expect(lines.map((line) => (JSON.parse(line) as { rsvp_id: number }).rsvp_id)).toEqual(
      Array.from({ length: RSVPS }, (_, i) => i + 1),
    );
  });
});
