import type { Client } from '@elastic/elasticsearch';
import { IndexAliases } from '@meetup/contracts';
import { IndexBootstrapper, indexSpecOf, TimePartitionedIndex } from '@meetup/elasticsearch';
import { testElasticsearch, uniqueName } from '@meetup/test-support';
import { ElasticsearchTrendingPanes } from '../src/combine/partial-queries';
import { partialIdOf, type PartialDocument } from '../src/pipeline/partial-documents';

const T0 = Date.UTC(2024, 4, 3, 12);
const PANE = 10_000;

function pane(partition: number, start: number, offset: number, counts: Record<string, number>) {
  const doc: PartialDocument = {
    partition,
    kind: 'pane',
    start,
    offset,
    final: false,
    messages: 1,
    first_mtime: start,
    last_mtime: start,
    counts,
  };
  return doc;
}

/** The client, counting the pane documents fetched by id (the cost that must stay small). */
function countingFetches(es: Client): { es: Client; fetched: string[] } {
  const fetched: string[] = [];
  const search = es.search.bind(es);
  const counting = Object.create(es) as Client;
  counting.search = ((request: { query?: { ids?: { values: string[] } } }, options?: object) => {
    fetched.push(...(request.query?.ids?.values ?? []));
    return search(request, options);
  }) as Client['search'];
  return { es: counting, fetched };
}

describe('the trending stage reading pane documents on the real Elasticsearch', () => {
  const es = testElasticsearch();
  afterAll(() => es.close());

  async function setUp() {
    const prefix = `${uniqueName('panes')}-`;
    await new IndexBootstrapper(es, { prefix }).apply([indexSpecOf(IndexAliases.rsvpPartials)]);
    const family = new TimePartitionedIndex(es, indexSpecOf(IndexAliases.rsvpPartials), { prefix });
    const write = async (...docs: PartialDocument[]) => {
      await es.bulk({
        refresh: true,
        operations: docs.flatMap((doc) => [
          {
            index: {
              _index: family.indexFor(doc.start),
              _id: partialIdOf(doc.partition, doc.kind, doc.start),
              version: doc.offset,
              version_type: 'external' as const,
            },
          },
          doc,
        ]),
      });
    };
    const counting = countingFetches(es);
    const panes = new ElasticsearchTrendingPanes(counting.es, family.readPattern);
    return { write, panes, fetched: counting.fetched, family };
  }

  it('sums the partitions of each pane, and fetches again only the documents whose offset moved', async () => {
    const { write, panes, fetched } = await setUp();
    await write(
      pane(0, T0, 5, { '\trun\tRunning': 2, 'gb\trun\tRunning': 2 }),
      pane(1, T0, 7, { '\trun\tRunning': 3 }),
      pane(1, T0 + PANE, 9, { '\tai\tA.I.': 1 }),
    );
    const first = await panes.panes(T0, T0 + 2 * PANE);
    expect(first.get('')?.get('run')?.get('Running')).toEqual(new Map([[T0, 5]]));
    expect(first.get('gb')?.get('run')?.get('Running')).toEqual(new Map([[T0, 2]]));
    expect(first.get('')?.get('ai')?.get('A.I.')).toEqual(new Map([[T0 + PANE, 1]]));
    expect(fetched.splice(0).sort()).toEqual(
      [`0:pane:${T0}`, `1:pane:${T0}`, `1:pane:${T0 + PANE}`].sort(),
    );

    // Partition 1 counted one more message in its newest pane: only that document is fetched.
    await write(pane(1, T0 + PANE, 12, { '\tai\tA.I.': 2 }));
    const second = await panes.panes(T0, T0 + 2 * PANE);
    expect(fetched.splice(0)).toEqual([`1:pane:${T0 + PANE}`]);
    expect(second.get('')?.get('ai')?.get('A.I.')).toEqual(new Map([[T0 + PANE, 2]]));
    expect(second.get('')?.get('run')?.get('Running')).toEqual(new Map([[T0, 5]]));

    // A range that starts later leaves the earlier panes out (they are in the history).
    const third = await panes.panes(T0 + PANE, T0 + 2 * PANE);
    expect(fetched).toEqual([]);
    expect(third.get('')?.get('run')).toBeUndefined();
  });

  it('reads the bounds of the counted messages and how far a budget of documents reaches', async () => {
    const { write, panes, family } = await setUp();
    expect(await panes.bounds()).toBeUndefined();
    const bucket = (partition: number, start: number, first: number, last: number) => ({
      ...pane(partition, start, 1, {}),
      kind: 'bucket' as const,
      first_mtime: first,
      last_mtime: last,
      counts: {},
    });
    await write(
      bucket(0, T0, T0 + 5_000, T0 + 50_000),
      bucket(1, T0 + 60_000, T0 + 61_000, T0 + 119_000),
      ...[0, 1, 2].map((partition) => pane(partition, T0, 1, {})),
      ...[0, 1].map((partition) => pane(partition, T0 + PANE, 1, {})),
      pane(0, T0 + 2 * PANE, 1, {}),
    );
    expect(await panes.bounds()).toEqual({ first: T0 + 5_000, last: T0 + 119_000 });
    // 3, then 2, then 1 documents per pane: a budget of 4 is passed in the second pane.
    expect(await panes.reach(T0, 4, PANE)).toBe(T0 + 2 * PANE);
    expect(await panes.reach(T0, 6, PANE)).toBe(Number.POSITIVE_INFINITY);
    expect(await panes.reach(T0 + PANE, 2, PANE)).toBe(T0 + 3 * PANE);
    await family.dropBefore(Number.POSITIVE_INFINITY);
  });
});
