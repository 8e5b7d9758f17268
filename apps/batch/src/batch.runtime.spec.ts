import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { memoryLogger, Registry } from '@meetup/observability';
import { InMemoryBatchStorage } from '../test/support/in-memory-batch-storage';
import { BatchExit, BatchJob } from './batch.runtime';
import { loadBatchConfig } from './config/batch.config';
import { lockDocument } from './job/batch-lock';

const DAY = Date.parse('2017-03-19T00:00:00Z');

function setUp(env: Record<string, string> = {}) {
  const config = loadBatchConfig({ ES_URL: 'http://127.0.0.1:9200', INDEX_PREFIX: 'j_', ...env });
  const storage = new InMemoryBatchStorage(['j_meetup_groups', 'j_meetup_events']);
  storage.rsvps.push(
    {
      id: '1',
      group: '7',
      event: 'e1',
      member: 'm1',
      mtime: DAY,
      indexedAt: DAY,
      response: 'yes',
      guests: 1,
    },
    {
      id: '2',
      group: '7',
      event: 'e1',
      member: 'm2',
      mtime: DAY,
      indexedAt: DAY,
      response: 'no',
      guests: 0,
    },
  );
  const { logger, lines: logs } = memoryLogger('batch', 'info');
  const registry = new Registry();
  const job = new BatchJob({
    config,
    storage,
    logger,
    registry,
    interactive: false,
  });
  const finished = () => logs.find((line) => line.msg === 'batch finished');
  return { job, storage, logs, registry, finished };
}

const running = () => new AbortController().signal;

describe('BatchJob', () => {
  it('exits 0 and reports the run’s figures in its last log line and its metrics', async () => {
    const { job, registry, finished } = setUp();

    expect(await job.run({ mode: 'full' }, running())).toBe(BatchExit.success);

    expect(finished()).toMatchObject({
      mode: 'full',
      success: true,
      metrics: {
        meetup_batch_documents_scanned: 2,
        meetup_batch_groups_written: 2,
        meetup_batch_events_written: 1,
        meetup_batch_documents_deleted: 0,
        meetup_batch_success: 1,
      },
    });
    expect(
      (finished()?.metrics as Record<string, number>).meetup_batch_last_success_timestamp_seconds,
    ).toBeGreaterThan(0);
    const exposed = await registry.metrics();
    expect(exposed).toContain('meetup_batch_groups_written{mode="full"} 2');
    expect(exposed).toContain('meetup_batch_success{mode="full"} 1');
  });

  it('exits 3 with a warning naming the holder when another run holds the lock', async () => {
    const { job, storage, logs, finished } = setUp();
    await storage.lock.create(lockDocument('other-run', 'full', Date.now(), 60_000));

    expect(await job.run({ mode: 'incremental' }, running())).toBe(BatchExit.locked);

    expect(logs.find((line) => line.level === 'warn')).toMatchObject({
      owner: 'other-run',
      msg: expect.stringMatching(
        /^another batch run \(other-run\) holds the lock until/,
      ) as unknown,
    });
    expect(finished()).toBeUndefined();
  });

  it('exits 1 and reports a failed run, without a last-success time', async () => {
    const { job, storage, logs, finished } = setUp();
    storage.refuse = () => true;

    expect(await job.run({ mode: 'incremental' }, running())).toBe(BatchExit.failed);

    expect(logs.find((line) => line.msg === 'batch failed')).toMatchObject({
      level: 'error',
    });
    expect(finished()).toMatchObject({
      mode: 'incremental',
      success: false,
      metrics: { meetup_batch_success: 0, meetup_batch_documents_scanned: 0 },
    });
    expect(finished()?.metrics).not.toHaveProperty('meetup_batch_last_success_timestamp_seconds');
  });

  describe('with a Pushgateway', () => {
    let server: Server;
    const pushed: { method?: string; url?: string; body: string }[] = [];

    beforeAll(async () => {
      server = createServer((request, response) => {
        let body = '';
        request.on('data', (chunk: Buffer) => (body += chunk.toString()));
        request.on('end', () => {
          pushed.push({ method: request.method, url: request.url, body });
          response.writeHead(200).end();
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    });
    afterAll(() => new Promise((resolve) => server.close(resolve)));

    it('pushes the run’s metrics, since Prometheus cannot scrape a job that has ended', async () => {
      const { port } = server.address() as AddressInfo;
      const { job } = setUp({ PUSHGATEWAY_URL: `http://127.0.0.1:${port}` });

      expect(await job.run({ mode: 'full' }, running())).toBe(BatchExit.success);

      expect(pushed).toHaveLength(1);
      expect(pushed[0]).toMatchObject({ method: 'POST', url: '/metrics/job/meetup_batch' });
      expect(pushed[0]?.body).toContain('meetup_batch_events_written{mode="full"} 1');
    });

    it('still exits 0, with a warning, when the push fails', async () => {
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const { port } = closed.address() as AddressInfo;
      await new Promise((resolve) => closed.close(resolve));
      const { job, logs } = setUp({ PUSHGATEWAY_URL: `http://127.0.0.1:${port}` });

      expect(await job.run({ mode: 'full' }, running())).toBe(BatchExit.success);

      expect(logs.find((line) => line.msg === 'pushing metrics failed')).toMatchObject({
        level: 'warn',
      });
    });
  });
});
