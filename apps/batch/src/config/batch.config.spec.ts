import { loadBatchConfig } from './batch.config';

const base = { ES_URL: 'http://127.0.0.1:9200' };

describe('loadBatchConfig', () => {
  it('holds the lock for 10 minutes and looks back 60 s past the last checkpoint by default', () => {
    const { job } = loadBatchConfig(base);
    expect(job).toMatchObject({
      lockTtlMs: 600_000,
      checkpointOverlapMs: 60_000,
      progressIntervalMs: 5_000,
      groupsPerChunk: 1_000,
      eventsPerChunk: 5_000,
      rsvpsPerChunk: 25_000,
      pushgatewayUrl: undefined,
      waitForIndicesMs: 600_000,
    });
  });

  it('takes the lock TTL and the overlap in seconds and keeps them in milliseconds', () => {
    const { job } = loadBatchConfig({
      ...base,
      BATCH_LOCK_TTL_SECONDS: '30',
      BATCH_CHECKPOINT_OVERLAP_SECONDS: '0',
    });
    expect(job.lockTtlMs).toBe(30_000);
    expect(job.checkpointOverlapMs).toBe(0);
  });

  it('names every bad variable', () => {
    expect(() =>
      loadBatchConfig({ ...base, BATCH_LOCK_TTL_SECONDS: '0', PUSHGATEWAY_URL: 'not a url' }),
    ).toThrow(/BATCH_LOCK_TTL_SECONDS.*PUSHGATEWAY_URL/);
  });
});
