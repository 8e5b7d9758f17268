import { errors } from '@elastic/elasticsearch';
import { IndexAliases } from '@meetup/contracts';
import { testElasticsearch, uniqueName } from '@meetup/test-support';
import {
  field,
  IndexBootstrapper,
  indexSpecOf,
  TimePartitionedIndex,
  type IndexSpec,
} from '../src';

const at = (iso: string) => Date.parse(iso);

/** A partial document (a partition's share of a pane) as the aggregator writes it. */
function partial(start: number): Record<string, unknown> {
  return {
    partition: 0,
    kind: 'pane',
    start,
    offset: 12,
    final: false,
    messages: 1,
    first_mtime: start,
    last_mtime: start,
    counts: {
      '\tsoftwaredev\tSoftware Development': 1,
      'jp\tsoftwaredev\tSoftware Development': 1,
    },
  };
}

// Four hours of event time on 1 January 2020: two documents in the first hour, one in each other.
const DOCUMENTS = [
  { id: 'a', mtime: at('2020-01-01T00:10:00Z'), hour: '2020010100' },
  { id: 'b', mtime: at('2020-01-01T00:59:59.999Z'), hour: '2020010100' },
  { id: 'c', mtime: at('2020-01-01T01:00:00Z'), hour: '2020010101' },
  { id: 'd', mtime: at('2020-01-01T02:45:00Z'), hour: '2020010102' },
  { id: 'e', mtime: at('2020-01-01T03:30:00Z'), hour: '2020010103' },
];

describe('time-partitioned partials on the real Elasticsearch', () => {
  const es = testElasticsearch();
  const spec = indexSpecOf(IndexAliases.rsvpPartials);
  const families: TimePartitionedIndex[] = [];
  afterAll(async () => {
    for (const family of families) await family.dropBefore(Number.POSITIVE_INFINITY);
    await es.close();
  });

  /** A family of the test's own, with its template put by the bootstrap. */
  async function bootstrapped(purpose: string) {
    const prefix = `${uniqueName(purpose)}-`;
    const bootstrapper = new IndexBootstrapper(es, { prefix });
    await bootstrapper.apply([spec]);
    const family = new TimePartitionedIndex(es, spec, { prefix });
    families.push(family);
    return { family, bootstrapper };
  }

  async function write(family: TimePartitionedIndex, docs = DOCUMENTS): Promise<void> {
    const response = await es.bulk({
      operations: docs.flatMap((d) => [
        { index: { _index: family.indexFor(d.mtime), _id: d.id } },
        partial(d.mtime),
      ]),
    });
    expect(response.items.map((item) => item.index?.error)).toEqual(docs.map(() => undefined));
    await es.indices.refresh({ index: family.readPattern });
  }

  async function idsFound(family: TimePartitionedIndex): Promise<string[]> {
    const result = await es.search({ index: family.readPattern, size: 100, sort: ['start'] });
    return result.hits.hits.map((hit) => hit._id!);
  }

  it('answers searches and refreshes with nothing while no partition exists', async () => {
    const { family } = await bootstrapped('partitions-empty');

    await es.indices.refresh({ index: family.readPattern });
    const result = await es.search({
      index: family.readPattern,
      size: 0,
      aggs: { first: { min: { field: 'start' } } },
    });

    expect(result.hits.total).toEqual({ value: 0, relation: 'eq' });
    // No shard answered, so no aggregation either: not even `{ value: null }`.
    expect(result.aggregations).toBeUndefined();
    expect(await family.partitions()).toEqual([]);
    expect(await family.dropBefore(Date.now())).toEqual([]);
  });

  it('writes each document to the partition of its UTC hour, created by the first write', async () => {
    const { family } = await bootstrapped('partitions-hours');

    await write(family);

    const result = await es.search({ index: family.readPattern, size: 100 });
    const placed = new Map(result.hits.hits.map((hit) => [hit._id, hit._index]));
    expect(placed).toEqual(new Map(DOCUMENTS.map((d) => [d.id, `${family.family}-p${d.hour}`])));
    expect(await family.partitions()).toEqual(
      ['00', '01', '02', '03'].map((hour) => ({
        index: `${family.family}-p20200101${hour}`,
        startMs: at(`2020-01-01T${hour}:00:00Z`),
        endMs: at(`2020-01-01T${hour}:00:00Z`) + 3_600_000,
      })),
    );
  });

  it("gives every partition the spec's strict mapping", async () => {
    const { family } = await bootstrapped('partitions-mapping');
    await write(family);

    const mappings = await es.indices.getMapping({ index: family.readPattern });

    expect(Object.keys(mappings)).toHaveLength(4);
    for (const { mappings: mapping } of Object.values(mappings)) {
      expect(mapping.dynamic).toBe('strict');
      expect(Object.keys(mapping.properties ?? {}).sort()).toEqual(
        Object.keys(spec.mappings.properties ?? {}).sort(),
      );
      // The spec also names defaults (the date format) that Elasticsearch does not echo.
      expect(spec.mappings).toMatchObject(mapping);
    }
    await expect(
      es.index({
        index: family.indexFor(DOCUMENTS[0]!.mtime),
        document: { ...partial(DOCUMENTS[0]!.mtime), unexpected: 1 },
      }),
    ).rejects.toBeInstanceOf(errors.ResponseError);
  });

  it('lets clusters that forbid auto-creating our names create partitions from the template', async () => {
    const { family } = await bootstrapped('partitions-template');

    const { index_templates: templates } = await es.indices.getIndexTemplate({
      name: family.family,
    });

    expect(templates.map((t) => t.index_template)).toMatchObject([
      {
        index_patterns: [family.readPattern],
        allow_auto_create: true,
        _meta: { version: spec.version, partition_size_ms: 3_600_000 },
      },
    ]);
  });

  it('puts a field added to the spec on the partitions that exist', async () => {
    const { family, bootstrapper } = await bootstrapped('partitions-added');
    await write(family);
    const extended: IndexSpec = {
      ...spec,
      version: spec.version + 1,
      mappings: {
        ...spec.mappings,
        properties: { ...spec.mappings.properties, weight: field.integer() },
      },
    };

    await bootstrapper.apply([extended]);

    const existing = family.indexFor(DOCUMENTS[0]!.mtime);
    await es.index({
      index: existing,
      id: 'w',
      document: { ...partial(DOCUMENTS[0]!.mtime), weight: 2 },
    });
    const mapping = await es.indices.getFieldMapping({ index: existing, fields: ['weight'] });
    expect(mapping[existing]?.mappings.weight?.mapping).toEqual({ weight: { type: 'integer' } });
  });

  it('drops exactly the partitions that end at or before the cutoff, and nothing on a second run', async () => {
    const { family } = await bootstrapped('partitions-drop');
    await write(family);

    const dropped = await family.dropBefore(at('2020-01-01T02:00:00Z'));
    // 02 still holds data up to 03:00: a cutoff inside it keeps it.
    const inside = await family.dropBefore(at('2020-01-01T02:59:59.999Z'));
    const again = await family.dropBefore(at('2020-01-01T02:00:00Z'));

    expect(dropped).toEqual([`${family.family}-p2020010100`, `${family.family}-p2020010101`]);
    expect(inside).toEqual([]);
    expect(again).toEqual([]);
    expect((await family.partitions()).map((p) => p.index)).toEqual([
      `${family.family}-p2020010102`,
      `${family.family}-p2020010103`,
    ]);
    expect(await idsFound(family)).toEqual(['d', 'e']);
  });

  it('drops each expired partition once when callers drop at the same time', async () => {
    const { family } = await bootstrapped('partitions-concurrent');
    await write(family);

    const results = await Promise.all([
      family.dropBefore(at('2020-01-01T03:00:00Z')),
      family.dropBefore(at('2020-01-01T03:00:00Z')),
      family.dropBefore(at('2020-01-01T03:00:00Z')),
    ]);

    // Elasticsearch deletes an index for one request; the others find it gone.
    expect(results.flat().sort()).toEqual(
      ['00', '01', '02'].map((hour) => `${family.family}-p20200101${hour}`),
    );
    expect(await idsFound(family)).toEqual(['e']);
  });

  it('lets a late write recreate a dropped partition, which the next run drops again', async () => {
    const { family } = await bootstrapped('partitions-recreated');
    await write(family);
    await family.dropBefore(at('2020-01-01T01:00:00Z'));

    await write(family, [DOCUMENTS[0]!]);

    expect(await idsFound(family)).toEqual(['a', 'c', 'd', 'e']);
    expect(await family.dropBefore(at('2020-01-01T01:00:00Z'))).toEqual([
      `${family.family}-p2020010100`,
    ]);
  });
});
