import { IndexAliases } from '@meetup/contracts';
import { runToCompletion, testEngines, uniqueName } from '@meetup/test-support';

describe('a batch run before the bootstrap created its indices', () => {
  it('waits up to BATCH_WAIT_FOR_INDICES_MS, then fails naming the missing indices', async () => {
    const prefix = `${uniqueName('batch-early')}-`;
    const { code, output } = await runToCompletion('batch', {
      ES_URL: testEngines().elasticsearchUrl,
      INDEX_PREFIX: prefix,
      BATCH_WAIT_FOR_INDICES_MS: '1000',
    });
    expect(code).toBe(1);
    const lines = output
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.find((l) => l.msg === 'waiting for indices')).toMatchObject({
      waitingFor: expect.arrayContaining([prefix + IndexAliases.rsvps]) as unknown,
    });
    expect(lines.at(-1)).toMatchObject({
      level: 'fatal',
      prerequisite: 'indices',
      msg: expect.stringContaining(
        `gave up waiting for indices after 1000 ms: still missing ${prefix}${IndexAliases.rsvps}`,
      ) as unknown,
    });
  });
});
