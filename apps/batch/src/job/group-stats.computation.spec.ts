import {
  groupDayFiguresSpec,
  groupEventDaysSpec,
  groupMemberDaysSpec,
  type CompositeSpec,
  type GroupDayBucket,
} from '@meetup/batch-stats';
import type { BulkSink } from './bulk-sink';
import { computeGroups } from './group-stats.computation';
import type { RawSnapshot } from './point-in-time';

const DAY = Date.parse('2017-03-19T00:00:00Z');
const NEXT_DAY = DAY + 86_400_000;
const COMPUTED_AT = '2017-04-01T00:00:00.000Z';

function figures(group: string, day: number, yes: number): GroupDayBucket {
  const descriptors = {
    group_id: Number(group),
    group_name: `g${group}`,
    group_city: 'Berlin',
    group_country: 'de',
    group_urlname: `g${group}`,
    group_lat: 52.5,
    group_lon: 13.4,
    group_topics: [{ topic_name: 'JavaScript', urlkey: 'javascript' }],
  };
  return {
    key: { group, day },
    doc_count: yes,
    yes: { doc_count: yes, guests: { value: 0 } },
    no: { doc_count: 0 },
    latest: { hits: { hits: [{ _source: { group: descriptors }, sort: [day, '1'] }] } },
  };
}

/** The three composite streams, sorted by group as Elasticsearch returns them. */
function snapshot(streams: {
  figures: GroupDayBucket[];
  members: [group: string, member: string, day: number][];
  events: [group: string, event: string, day: number][];
}): RawSnapshot {
  const sourcesOf = (spec: CompositeSpec) => JSON.stringify(spec.sources);
  async function* buckets(_query: unknown, spec: CompositeSpec): AsyncGenerator {
    await Promise.resolve();
    if (sourcesOf(spec) === sourcesOf(groupDayFiguresSpec())) yield* streams.figures;
    if (sourcesOf(spec) === sourcesOf(groupMemberDaysSpec())) {
      yield* streams.members.map(([group, member, day]) => ({ key: { group, member, day } }));
    }
    if (sourcesOf(spec) === sourcesOf(groupEventDaysSpec())) {
      yield* streams.events.map(([group, event, day]) => ({ key: { group, event, day } }));
    }
  }
  return { buckets } as unknown as RawSnapshot;
}

function run(source: RawSnapshot, collectDayIds = true) {
  const written: { id: string; document: Record<string, unknown> }[][] = [];
  const sink = {
    write: (docs: { id: string; document: Record<string, unknown> }[]) => {
      written.push(docs);
      return Promise.resolve();
    },
  } as unknown as BulkSink;
  const perGroup: number[] = [];
  let pages = 0;
  const result = computeGroups(source, { match_all: {} }, sink, {
    computedAt: COMPUTED_AT,
    collectDayIds,
    onGroup: (rsvps) => perGroup.push(rsvps),
    beforePage: () => (pages += 1),
  });
  return { result, written, perGroup, pages: () => pages };
}

describe('computeGroups', () => {
  it('merges the three streams group by group into each group’s documents, written group by group', async () => {
    const { result, written, perGroup, pages } = run(
      snapshot({
        figures: [figures('1', DAY, 2), figures('1', NEXT_DAY, 1), figures('2', DAY, 4)],
        members: [
          ['1', 'm1', DAY],
          ['1', 'm1', NEXT_DAY],
          ['1', 'm2', DAY],
          ['2', 'm3', DAY],
        ],
        events: [
          ['1', 'e1', DAY],
          ['2', 'e2', DAY],
          ['2', 'e3', DAY],
        ],
      }),
    );
    expect(await result).toEqual({
      groups: 2,
      rsvps: 7,
      dayIds: new Set(['1:2017-03-19', '1:2017-03-20', '2:2017-03-19']),
    });
    expect(written.map((docs) => docs.map((d) => d.id))).toEqual([
      ['1:2017-03-19', '1:2017-03-20', '1:all'],
      ['2:2017-03-19', '2:all'],
    ]);
    expect(written[0]?.find((d) => d.id === '1:all')?.document).toMatchObject({
      distinct_members: 2,
      distinct_events: 1,
      computed_at: COMPUTED_AT,
    });
    expect(written[1]?.find((d) => d.id === '2:all')?.document).toMatchObject({
      distinct_members: 1,
      distinct_events: 2,
    });
    expect(perGroup).toEqual([3, 4]);
    expect(pages()).toBe(2);
  });

  it('keeps no day ids when the run does not need them', async () => {
    const { result } = run(
      snapshot({ figures: [figures('1', DAY, 1)], members: [['1', 'm', DAY]], events: [] }),
      false,
    );
    expect((await result).dayIds.size).toBe(0);
  });

  it('refuses to go on when a group has member or event pairs but no figures', async () => {
    const { result } = run(
      snapshot({
        figures: [figures('1', DAY, 1)],
        members: [
          ['1', 'm', DAY],
          ['3', 'm', DAY],
        ],
        events: [],
      }),
    );
    await expect(result).rejects.toThrow('composite streams out of step');
  });
});
