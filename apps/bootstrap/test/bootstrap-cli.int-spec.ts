import { IndexAliases } from '@meetup/contracts';
import { runToCompletion, testElasticsearch, testEngines, uniqueName } from '@meetup/test-support';

describe('the bootstrap command', () => {
  const es = testElasticsearch();
  afterAll(() => es.close());

  it('creates every alias and can run again without changing anything', async () => {
    const prefix = `${uniqueName('bootstrap-cli')}-`;
    const env = { ES_URL: testEngines().elasticsearchUrl, INDEX_PREFIX: prefix };

    const first = await runToCompletion('bootstrap', env);
    expect(first.code).toBe(0);
    const second = await runToCompletion('bootstrap', env);
    expect(second.code).toBe(0);

    for (const alias of Object.values(IndexAliases)) {
      expect(await es.indices.existsAlias({ name: prefix + alias })).toBe(true);
    }
    const created = (output: string) =>
      output
        .split('\n')
        .filter((line) => line.includes('"index ready"'))
        .map((line) => (JSON.parse(line) as { created: boolean }).created);
    expect(created(first.output)).toEqual(Object.values(IndexAliases).map(() => true));
    expect(created(second.output)).toEqual(Object.values(IndexAliases).map(() => false));
  });

  it('names the variable when the index prefix is not a valid index name', async () => {
    const { code, output } = await runToCompletion('bootstrap', {
      ES_URL: testEngines().elasticsearchUrl,
      INDEX_PREFIX: 'Upper Case',
    });
    expect(code).toBe(1);
    expect(output).toContain('INDEX_PREFIX');
  });
});
