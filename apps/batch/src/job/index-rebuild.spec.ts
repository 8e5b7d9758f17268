import { aliasSwap, rebuildIndexName } from './index-rebuild';

describe('rebuildIndexName', () => {
  it('names the index by alias, template version and run stamp, so the alias’s template applies', () => {
    expect(rebuildIndexName({ alias: 'meetup_groups', version: 2 }, '20170401000000000')).toBe(
      'meetup_groups-v2-20170401000000000',
    );
  });
});

describe('aliasSwap', () => {
  const built = new Map([
    ['meetup_groups', 'meetup_groups-v1-2'],
    ['meetup_events', 'meetup_events-v1-2'],
  ]);

  it('moves every alias in one request and drops the indices behind them and orphans', () => {
    const current = new Map([
      [
        'meetup_groups',
        {
          behind: ['meetup_groups-v1-1'],
          versioned: ['meetup_groups-v1-1', 'meetup_groups-v1-0', 'meetup_groups-v1-2'],
        },
      ],
      ['meetup_events', { behind: [], versioned: ['meetup_events-v1-2'] }],
    ]);
    expect(aliasSwap(built, current)).toEqual({
      actions: [
        { remove: { index: 'meetup_groups-v1-1', alias: 'meetup_groups' } },
        { add: { index: 'meetup_groups-v1-2', alias: 'meetup_groups', is_write_index: true } },
        { add: { index: 'meetup_events-v1-2', alias: 'meetup_events', is_write_index: true } },
      ],
      old: ['meetup_groups-v1-1', 'meetup_groups-v1-0'],
    });
  });

  it('only adds the aliases on a first rebuild', () => {
    expect(aliasSwap(built, new Map()).old).toEqual([]);
    expect(aliasSwap(built, new Map()).actions).toHaveLength(2);
  });
});
