import { GroupStatsBuilder, type GroupDayBucket } from './group-stats';

const DAY = Date.parse('2017-03-19T00:00:00Z');
const NEXT_DAY = DAY + 86_400_000;

const group = (name: string) => ({
  group_id: 42,
  group_name: name,
  group_city: 'Berlin',
  group_country: 'de',
  group_urlname: 'berlin-js',
  group_lat: 52.5,
  group_lon: 13.4,
  group_topics: [{ topic_name: 'JavaScript', urlkey: 'javascript' }],
});

function dayBucket(
  day: number,
  yes: number,
  no: number,
  guests: number,
  latest: [number, string, string],
): GroupDayBucket {
  return {
    key: { group: '42', day },
    doc_count: yes + no,
    yes: { doc_count: yes, guests: { value: guests } },
    no: { doc_count: no },
    latest: {
      hits: { hits: [{ _source: { group: group(latest[2]) }, sort: [latest[0], latest[1]] }] },
    },
  };
}

describe('GroupStatsBuilder', () => {
  it('counts distinct members per day and over all days from (member, day) pairs', () => {
    const builder = new GroupStatsBuilder('42');
    builder.addDayFigures(dayBucket(DAY, 3, 1, 2, [DAY + 5, '7', 'Old name']));
    builder.addDayFigures(dayBucket(NEXT_DAY, 1, 0, 0, [NEXT_DAY + 5, '9', 'New name']));
    // member 1 on both days, member 2 on the first: 2 distinct over all days.
    builder.addMemberDay('1', DAY);
    builder.addMemberDay('1', NEXT_DAY);
    builder.addMemberDay('2', DAY);
    builder.addEventDay('e1', DAY);
    builder.addEventDay('e1', NEXT_DAY);

    const docs = Object.fromEntries(
      builder.documents('2017-04-01T00:00:00.000Z').map((d) => [d.id, d.document]),
    );

    expect(Object.keys(docs)).toEqual(['42:2017-03-19', '42:2017-03-20', '42:all']);
    expect(docs['42:2017-03-19']).toMatchObject({
      scope: 'day',
      day: '2017-03-19',
      responses: 4,
      yes: 3,
      no: 1,
      guests: 2,
      attendees: 5,
      distinct_members: 2,
      distinct_events: 1,
      group_name: 'New name',
    });
    expect(docs['42:all']).toMatchObject({
      scope: 'all',
      responses: 5,
      yes: 4,
      attendees: 6,
      distinct_members: 2,
      distinct_events: 1,
      group_country_name: 'Germany',
      group_location: { lat: 52.5, lon: 13.4 },
      group_topics: ['javascript'],
    });
    expect(docs['42:all']).not.toHaveProperty('day');
    expect(builder.rsvps).toBe(5);
  });

  it('breaks a tie of RSVP times by rsvp_id for the descriptors', () => {
    const builder = new GroupStatsBuilder('42');
    builder.addDayFigures(dayBucket(DAY, 1, 0, 0, [DAY + 5, '8', 'Eight']));
    builder.addDayFigures(dayBucket(NEXT_DAY, 1, 0, 0, [DAY + 5, '9', 'Nine']));
    expect(builder.documents('t')[0]?.document.group_name).toBe('Nine');
  });
});
