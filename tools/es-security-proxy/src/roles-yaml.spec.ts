import { RolesFileError, parseRolesYaml } from './roles-yaml';

describe('roles.yml', () => {
  it('reads cluster and index privileges of each role', () => {
    const roles = parseRolesYaml(`
aggregator:
  cluster: [monitor]
  indices:
    - names: ['meetup_rsvps*', 'meetup_rsvp_activity-p*']
      privileges: [read, write, auto_configure]
    - names: meetup_trending_topics
      privileges: ['indices:admin/refresh', view_index_metadata]
      allow_restricted_indices: false
  metadata: { owner: chart }
  run_as: []
batch:
  cluster: monitor
`);
    expect(roles).toEqual({
      aggregator: {
        cluster: ['monitor'],
        indices: [
          {
            names: ['meetup_rsvps*', 'meetup_rsvp_activity-p*'],
            privileges: ['read', 'write', 'auto_configure'],
          },
          {
            names: ['meetup_trending_topics'],
            privileges: ['indices:admin/refresh', 'view_index_metadata'],
            allow_restricted_indices: false,
          },
        ],
      },
      batch: { cluster: ['monitor'] },
    });
  });

  it('reads an empty file as no roles', () => {
    expect(parseRolesYaml('')).toEqual({});
  });

  it('refuses a privilege Elasticsearch does not know, naming the role', () => {
    expect(() =>
      parseRolesYaml('r:\n  indices:\n    - names: [a]\n      privileges: [reads]\n'),
    ).toThrow(/role r: unknown index privilege \[reads\]/);
  });

  it('refuses document and field level security, which the proxy would not enforce', () => {
    expect(() =>
      parseRolesYaml(
        'r:\n  indices:\n    - names: [a]\n      privileges: [read]\n      query: "{}"\n',
      ),
    ).toThrow(RolesFileError);
  });

  it('refuses a list where roles belong', () => {
    expect(() => parseRolesYaml('- a\n- b\n')).toThrow(/must map role names/);
  });
});
