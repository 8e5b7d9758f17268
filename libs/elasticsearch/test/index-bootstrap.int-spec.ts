import { errors } from '@elastic/elasticsearch';
import { IndexAliases, RsvpValidator, type Rsvp } from '@meetup/contracts';
import { recordedLines } from '@meetup/fixtures';
import { toRsvpDocument } from '@meetup/rsvp-document';
import { testElasticsearch, uniqueName } from '@meetup/test-support';
import {
  analyticsIndexSpecs,
  IndexBootstrapper,
  versionedIndexName,
  type IndexBootstrapResult,
} from '../src';

// Around Taiwan: a box the recorded data has groups in and out of.
const TAIWAN = { top: 26, left: 119, bottom: 21.5, right: 122.5 };

/** The reference: the latest message (max mtime) of each rsvp_id, computed here from the raw lines. */
function latestStates(): Map<number, Rsvp> {
  const validator = new RsvpValidator();
  const latest = new Map<number, Rsvp>();
  for (const { raw } of recordedLines()) {
    const result = validator.validateRaw(raw);
    if (!result.ok) throw new Error(result.rejection.message);
    const seen = latest.get(result.rsvp.rsvp_id);
    if (!seen || seen.mtime < result.rsvp.mtime) latest.set(result.rsvp.rsvp_id, result.rsvp);
  }
  return latest;
}

describe('index templates and bootstrap on the real Elasticsearch', () => {
  const es = testElasticsearch();
  afterAll(() => es.close());

  it('creates every alias over a versioned index, and the partials partitions template, idempotently', async () => {
    const prefix = `${uniqueName('bootstrap')}-`;
    const bootstrapper = new IndexBootstrapper(es, { prefix });
    const first = await bootstrapper.apply(analyticsIndexSpecs);
    const second = await bootstrapper.apply(analyticsIndexSpecs);

    const names = first.map((r) => (r.layout === 'versioned' ? r.alias : r.family));
    expect(names).toEqual(Object.values(IndexAliases).map((a) => prefix + a));
    expect(first.filter((r) => r.layout === 'time-partitioned')).toEqual([
      {
        layout: 'time-partitioned',
        family: `${prefix}${IndexAliases.rsvpPartials}`,
        readPattern: `${prefix}${IndexAliases.rsvpPartials}-p*`,
        partitionSizeMs: 3_600_000,
      },
    ]);
    const versioned = (results: IndexBootstrapResult[]) =>
      results.filter((r) => r.layout === 'versioned');
    expect(versioned(first).every((r) => r.created)).toBe(true);
    expect(versioned(second).every((r) => !r.created && r.reindexedFrom.length === 0)).toBe(true);
    for (const result of versioned(first)) {
      const aliases = await es.indices.getAlias({ name: result.alias });
      expect(Object.keys(aliases)).toEqual([result.index]);
    }
  });

  it('maps ids as keyword, locations as geo_point and times as date', async () => {
    const prefix = `${uniqueName('mapping')}-`;
    await new IndexBootstrapper(es, { prefix }).apply(analyticsIndexSpecs);
    const index = versionedIndexName(`${prefix}${IndexAliases.rsvps}`, 1);
    const mapping = await es.indices.getFieldMapping({
      index,
      fields: ['rsvp_id', 'mtime', 'group.group_location', 'venue.location', 'group.topic_urlkeys'],
    });
    const fields = mapping[index]!.mappings;
    const typeOf = (name: string) =>
      (Object.values(fields[name]!.mapping)[0] as { type: string }).type;
    expect(typeOf('rsvp_id')).toBe('keyword');
    expect(typeOf('mtime')).toBe('date');
    expect(typeOf('group.group_location')).toBe('geo_point');
    expect(typeOf('venue.location')).toBe('geo_point');
    expect(typeOf('group.topic_urlkeys')).toBe('keyword');
  });

  it('moves the alias to a new version by reindexing, without losing documents', async () => {
    const prefix = `${uniqueName('reindex')}-`;
    const spec = analyticsIndexSpecs.find((s) => s.alias === IndexAliases.events)!;
    const bootstrapper = new IndexBootstrapper(es, { prefix });
    await bootstrapper.apply([spec]);
    const alias = bootstrapper.aliasOf(spec);
    await es.index({ index: alias, id: 'e1', document: { event_id: 'e1', yes: 3 }, refresh: true });

    const [result] = await bootstrapper.apply([{ ...spec, version: 2 }]);

    expect(result).toMatchObject({
      index: versionedIndexName(alias, 2),
      reindexedFrom: [versionedIndexName(alias, 1)],
    });
    const doc = await es.get<{ yes: number }>({ index: alias, id: 'e1' });
    expect(doc._index).toBe(versionedIndexName(alias, 2));
    expect(doc._source?.yes).toBe(3);
  });

  it('leaves an alias that a full rebuild moved to a new build of the same version', async () => {
    const prefix = `${uniqueName('rebuilt')}-`;
    const spec = analyticsIndexSpecs.find((s) => s.alias === IndexAliases.groups)!;
    const bootstrapper = new IndexBootstrapper(es, { prefix });
    await bootstrapper.apply([spec]);
    const alias = bootstrapper.aliasOf(spec);
    const build = `${versionedIndexName(alias, 1)}-20260101000000`;
    await es.indices.create({ index: build });
    await es.indices.updateAliases({
      actions: [
        { remove: { index: versionedIndexName(alias, 1), alias } },
        { add: { index: build, alias, is_write_index: true } },
      ],
    });
    await es.indices.delete({ index: versionedIndexName(alias, 1) });

    const [result] = await bootstrapper.apply([spec]);

    expect(result).toMatchObject({ index: build, created: false, reindexedFrom: [] });
    expect(Object.keys(await es.indices.getAlias({ name: alias }))).toEqual([build]);
    expect(await es.indices.exists({ index: versionedIndexName(alias, 1) })).toBe(false);
  });

  it('refuses to take over a concrete index that has the alias name', async () => {
    const prefix = `${uniqueName('concrete')}-`;
    const spec = analyticsIndexSpecs.find((s) => s.alias === IndexAliases.groups)!;
    await es.indices.create({ index: `${prefix}${spec.alias}` });
    await expect(new IndexBootstrapper(es, { prefix }).apply([spec])).rejects.toThrow(
      /exists as a concrete index/,
    );
  });

  it('indexes every recorded RSVP, latest mtime winning, and answers aggregations and geo queries', async () => {
    const prefix = `${uniqueName('recorded')}-`;
    const bootstrapper = new IndexBootstrapper(es, { prefix });
    const spec = analyticsIndexSpecs.find((s) => s.alias === IndexAliases.rsvps)!;
    await bootstrapper.apply([spec]);
    const alias = bootstrapper.aliasOf(spec);

    const validator = new RsvpValidator();
    const operations = recordedLines().flatMap(({ raw }) => {
      const result = validator.validateRaw(raw);
      if (!result.ok) throw new Error(result.rejection.message);
      const { rsvp } = result;
      return [
        {
          index: {
            _index: alias,
            _id: String(rsvp.rsvp_id),
            version: rsvp.mtime,
            version_type: 'external' as const,
          },
        },
        toRsvpDocument(rsvp, new Date()),
      ];
    });
    const bulk = await es.bulk({ operations, refresh: true });
    const failures = bulk.items
      .map((item) => item.index?.error)
      .filter((error) => error && error.type !== 'version_conflict_engine_exception');
    expect(failures).toEqual([]);

    const reference = [...latestStates().values()];
    expect((await es.count({ index: alias })).count).toBe(reference.length);

    const byCountry = new Map<string, number>();
    for (const rsvp of reference) {
      byCountry.set(rsvp.group.group_country, (byCountry.get(rsvp.group.group_country) ?? 0) + 1);
    }
    const terms = await es.search({
      index: alias,
      size: 0,
      aggs: { countries: { terms: { field: 'group.group_country', size: 500 } } },
    });
    const buckets = (
      terms.aggregations?.countries as { buckets: { key: string; doc_count: number }[] }
    ).buckets;
    expect(new Map(buckets.map((b) => [b.key, b.doc_count]))).toEqual(byCountry);

    const inBox = reference.filter(
      (r) =>
        r.group.group_lat <= TAIWAN.top &&
        r.group.group_lat >= TAIWAN.bottom &&
        r.group.group_lon >= TAIWAN.left &&
        r.group.group_lon <= TAIWAN.right,
    ).length;
    expect(inBox).toBeGreaterThan(0);
    const geo = await es.count({
      index: alias,
      query: {
        geo_bounding_box: {
          'group.group_location': {
            top_left: { lat: TAIWAN.top, lon: TAIWAN.left },
            bottom_right: { lat: TAIWAN.bottom, lon: TAIWAN.right },
          },
        },
      },
    });
    expect(geo.count).toBe(inBox);

    const latest = reference[0]!;
    const stored = await es.get<{ mtime: number; response: string }>({
      index: alias,
      id: String(latest.rsvp_id),
    });
    expect(stored._source).toMatchObject({ mtime: latest.mtime, response: latest.response });
  });

  it('rejects a write whose field breaks a strict mapping', async () => {
    const prefix = `${uniqueName('strict')}-`;
    const bootstrapper = new IndexBootstrapper(es, { prefix });
    const spec = analyticsIndexSpecs.find((s) => s.alias === IndexAliases.rsvpByCountry)!;
    await bootstrapper.apply([spec]);
    await expect(
      es.index({ index: bootstrapper.aliasOf(spec), document: { unexpected: 1 } }),
    ).rejects.toBeInstanceOf(errors.ResponseError);
  });
});
