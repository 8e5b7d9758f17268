import { IndexAliases } from '@meetup/contracts';
import { parse as parseYaml } from 'yaml';
import { named, ofKind, render, type K8sObject } from './support/helm';
import { envOf, podTemplateOf } from './support/pods';

const fullname = 'meetup-meetup-analytics';
const apps = ['bootstrap', 'aggregator', 'batch', 'alerting', 'console', 'tests'];
const userSecret = (app: string) => `${fullname}-es-${app}-user`;

interface Role {
  cluster: string[];
  indices: { names: string[]; privileges: string[] }[];
}
interface Auth {
  roles: { secretName: string }[];
  fileRealm: { secretName: string }[];
}

const decoded = (secret: K8sObject) =>
  Object.fromEntries(
    Object.entries(secret.data as Record<string, string>).map(([k, v]) => [
      k,
      Buffer.from(v, 'base64').toString('utf8'),
    ]),
  );
const rolesOf = (objects: K8sObject[]) =>
  parseYaml(
    (named(objects, 'Secret', `${fullname}-es-roles`).stringData as Record<string, string>)[
      'roles.yml'
    ]!,
  ) as Record<string, Role>;
const authOf = (objects: K8sObject[]) =>
  (named(objects, 'Elasticsearch', fullname).spec as { auth: Auth }).auth;

/** Every container that talks to Elasticsearch: workload (by app label) → its ES_* env. */
function elasticsearchClients(objects: K8sObject[]) {
  return objects.flatMap((object) => {
    const template = podTemplateOf(object);
    const component = object.metadata.labels?.['app.kubernetes.io/component'] ?? '';
    return (template?.spec.containers ?? [])
      .map((container) => ({ component, env: envOf(container) }))
      .filter(({ env }) => env.has('ES_USERNAME'));
  });
}

describe('Elasticsearch users of the apps (ECK)', () => {
  const kind = render({ profile: 'kind' });

  it('log every app in as its own user from its own Secret, none as elastic', () => {
    const clients = elasticsearchClients(kind).filter((c) => c.component !== 'kibana-import');
    expect(clients.map((c) => c.component).sort()).toEqual([
      'aggregator',
      'alerting',
      'batch',
      'bootstrap',
      'console',
      'test',
    ]);
    for (const { component, env } of clients) {
      const app = component === 'test' ? 'tests' : component;
      expect({ component, user: env.get('ES_USERNAME'), password: env.get('ES_PASSWORD') }).toEqual(
        {
          component,
          user: {
            name: 'ES_USERNAME',
            valueFrom: { secretKeyRef: { name: userSecret(app), key: 'username' } },
          },
          password: {
            name: 'ES_PASSWORD',
            valueFrom: { secretKeyRef: { name: userSecret(app), key: 'password' } },
          },
        },
      );
    }
  });

  it('leave elastic to the Kibana dashboards import only', () => {
    const elastic = elasticsearchClients(kind).filter(
      (c) => c.env.get('ES_USERNAME')?.value === 'elastic',
    );
    expect(elastic.map((c) => c.component)).toEqual(['kibana-import']);
  });

  it('are file-realm users of the Elasticsearch, with the roles Secret', () => {
    expect(authOf(kind)).toEqual({
      roles: [{ secretName: `${fullname}-es-roles` }],
      fileRealm: apps.map((app) => ({ secretName: userSecret(app) })),
    });
  });

  it('come from basic-auth Secrets: meetup-<app>, a generated password, role meetup_<app>, kept on uninstall', () => {
    for (const app of apps) {
      const secret = named(kind, 'Secret', userSecret(app));
      expect(secret.type).toBe('kubernetes.io/basic-auth');
      expect(secret.metadata.annotations).toMatchObject({ 'helm.sh/resource-policy': 'keep' });
      const { username, password, roles } = decoded(secret);
      expect({ username, roles }).toEqual({ username: `meetup-${app}`, roles: `meetup_${app}` });
      expect(password).toMatch(/^[A-Za-z0-9]{32}$/);
    }
  });

  it('exist only for the apps the release runs', () => {
    const objects = render({ values: { batch: { enabled: false }, tests: { enabled: false } } });
    expect(authOf(objects).fileRealm.map((f) => f.secretName)).toEqual(
      ['bootstrap', 'aggregator', 'alerting', 'console'].map(userSecret),
    );
    expect(Object.keys(rolesOf(objects)).sort()).toEqual([
      'meetup_aggregator',
      'meetup_alerting',
      'meetup_bootstrap',
      'meetup_console',
    ]);
    const withoutConsole = render({ values: { console: { enabled: false } } });
    expect(Object.keys(rolesOf(withoutConsole))).not.toContain('meetup_console');
    expect(ofKind(withoutConsole, 'Secret').map((s) => s.metadata.name)).not.toContain(
      userSecret('console'),
    );
  });

  it('are replaced by the one configured user with an external Elasticsearch', () => {
    const external = render({ profile: 'external' });
    expect(ofKind(external, 'Secret').map((s) => s.metadata.name)).not.toContainEqual(
      expect.stringContaining('-es-'),
    );
    const clients = elasticsearchClients(external);
    expect(clients.length).toBeGreaterThanOrEqual(6);
    for (const { env } of clients) {
      expect(env.get('ES_USERNAME')?.value).toBe('meetup');
      expect(env.get('ES_PASSWORD')?.valueFrom?.secretKeyRef).toEqual({
        name: 'meetup-es-credentials',
        key: 'password',
      });
    }
  });
});

describe('Elasticsearch roles of the apps', () => {
  const prefix = 'acme-';
  const roles = rolesOf(render({ values: { index: { prefix } } }));
  /** An alias and its versioned indices, under the prefix. */
  const aliases = (...names: string[]) =>
    names.flatMap((n) => [`${prefix}${n}`, `${prefix}${n}-*`]);
  const live = ['meetup_rsvps', 'meetup_rsvp_by_country', 'meetup_global_trending_topics'];
  const aggregates = [...live, 'meetup_country_trending_topics'];

  it('grant each app only what its code calls', () => {
    expect(roles).toEqual({
      meetup_bootstrap: {
        cluster: ['monitor', 'manage_index_templates'],
        indices: [{ names: [`${prefix}meetup_*`], privileges: ['manage', 'read', 'write'] }],
      },
      meetup_aggregator: {
        cluster: ['monitor'],
        indices: [
          {
            names: aliases(...aggregates, 'meetup_aggregator_state'),
            privileges: ['read', 'write', 'view_index_metadata'],
          },
          {
            names: [`${prefix}meetup_rsvp_partials-p*`],
            privileges: [
              'read',
              'write',
              'auto_configure',
              'maintenance',
              'delete_index',
              'view_index_metadata',
            ],
          },
        ],
      },
      meetup_batch: {
        cluster: ['monitor'],
        indices: [
          {
            names: aliases('meetup_rsvps'),
            privileges: ['read', 'view_index_metadata', 'maintenance'],
          },
          {
            names: aliases('meetup_groups', 'meetup_events'),
            privileges: ['manage', 'read', 'write'],
          },
          {
            names: aliases('meetup_batch_state'),
            privileges: ['read', 'write', 'view_index_metadata'],
          },
        ],
      },
      meetup_alerting: {
        cluster: ['monitor'],
        indices: [
          {
            names: aliases(
              'meetup_alert_rules',
              'meetup_alert_history',
              'meetup_alert_state',
              'meetup_alert_outbox',
              'meetup_alert_leases',
            ),
            privileges: ['read', 'write', 'view_index_metadata'],
          },
          {
            names: aliases(...aggregates, 'meetup_groups', 'meetup_events'),
            privileges: ['read', 'view_index_metadata'],
          },
        ],
      },
      // The console only reads: what its pages show (live aggregates, batch statistics, alerts,
      // the batch's last run), never the raw index, the outbox or another app's internals.
      meetup_console: {
        cluster: ['monitor'],
        indices: [
          {
            names: aliases(
              'meetup_rsvp_by_country',
              'meetup_global_trending_topics',
              'meetup_country_trending_topics',
              'meetup_groups',
              'meetup_events',
              'meetup_alert_rules',
              'meetup_alert_state',
              'meetup_batch_state',
            ),
            privileges: ['read', 'view_index_metadata'],
          },
        ],
      },
      meetup_tests: {
        cluster: ['monitor'],
        indices: [{ names: aliases(...live), privileges: ['read'] }],
      },
    });
  });

  it('name only indices of the system, under the release prefix', () => {
    for (const role of Object.values(roles))
      for (const { names } of role.indices)
        for (const index of names) {
          expect(index.startsWith(prefix)).toBe(true);
          const alias = index.slice(prefix.length).replace(/(-p)?-?\*$/, '');
          expect({
            index,
            known: alias === 'meetup_' || Object.values(IndexAliases).some((a) => a === alias),
          }).toEqual({
            index,
            known: true,
          });
        }
  });

  it('never grant superuser-like privileges', () => {
    for (const [roleName, role] of Object.entries(roles)) {
      expect({
        roleName,
        cluster: role.cluster.filter((p) => !['monitor', 'manage_index_templates'].includes(p)),
      }).toEqual({ roleName, cluster: [] });
      for (const { privileges } of role.indices) expect(privileges).not.toContain('all');
    }
  });
});
