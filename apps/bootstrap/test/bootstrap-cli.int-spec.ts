import { analyticsIndexSpecs } from '@meetup/elasticsearch';
import { runToCompletion, testElasticsearch, testEngines, uniqueName } from '@meetup/test-support';

describe('the bootstrap command', () => {
  const es = testElasticsearch();
  afterAll(() => es.close());

  it('creates every alias and partition template, and can run again without changing anything', async () => {
    const prefix = `${uniqueName('bootstrap-cli')}-`;
    const env = { ES_URL: testEngines().elasticsearchUrl, INDEX_PREFIX: prefix };

    const first = await runToCompletion('bootstrap', env);
    expect(first.code).toBe(0);
    const second = await runToCompletion('bootstrap', env);
    expect(second.code).toBe(0);

    const versioned = analyticsIndexSpecs.filter((spec) => !spec.timePartitions);
    const partitioned = analyticsIndexSpecs.filter((spec) => spec.timePartitions);
    expect(partitioned.length).toBeGreaterThan(0);
    for (const spec of versioned) {
      expect(await es.indices.existsAlias({ name: prefix + spec.alias })).toBe(true);
    }
    // A time-partitioned family has no alias: its template makes each partition on first write.
    for (const spec of partitioned) {
      expect(await es.indices.existsIndexTemplate({ name: prefix + spec.alias })).toBe(true);
    }
    const created = (output: string) =>
      output
        .split('\n')
        .filter((line) => line.includes('"index ready"'))
        .map((line) => (JSON.parse(line) as { created?: boolean }).created)
        .filter((value) => value !== undefined);
    expect(created(first.output)).toEqual(versioned.map(() => true));
    expect(created(second.output)).toEqual(versioned.map(() => false));
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
