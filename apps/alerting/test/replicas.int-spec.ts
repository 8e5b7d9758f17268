import type { ServiceProcess } from '@meetup/test-support';
import {
  AlertingApi,
  AlertingFixture,
  WebhookReceiver,
  eventually,
  gaugeRule,
} from './alerting-harness';

const RULES = ['rep-a', 'rep-b', 'rep-c', 'rep-d'];
const ROUNDS = 4;

describe('two replicas, one killed', () => {
  const fixture = new AlertingFixture();
  const receiver = new WebhookReceiver();
  const replicas = new Map<string, ServiceProcess>();

  beforeAll(async () => {
    await fixture.setUp();
    await receiver.start();
    for (const name of ['one', 'two']) {
      replicas.set(
        name,
        await fixture.startAlerting({ ALERTING_REPLICA_ID: name, ALERTING_LEASE_TTL_MS: '3000' }),
      );
    }
  });

  afterAll(async () => {
    for (const replica of replicas.values()) await replica.stop('SIGKILL');
    await receiver.stop();
    await fixture.tearDown();
  });

  const transitionsSeen = (kind: string) =>
    RULES.every(
      (id) =>
        new Set(
          receiver.received
            .filter((r) => r.path === `/${id}` && r.json.kind === kind)
            .map((r) => r.key),
        ).size,
    );

  const countOf = (id: string, kind: string) =>
    new Set(
      receiver.received
        .filter((r) => r.path === `/${id}` && r.json.kind === kind)
        .map((r) => r.key),
    ).size;

  async function leaseOwners(): Promise<Map<string, number>> {
    await fixture.es.indices.refresh({ index: fixture.leasesIndex });
    const found = await fixture.es.search<{ owner: string; expires_at: number }>({
      index: fixture.leasesIndex,
      size: 100,
    });
    const owners = new Map<string, number>();
    for (const hit of found.hits.hits) {
      if (hit._source && hit._source.expires_at > Date.now()) {
        owners.set(hit._source.owner, (owners.get(hit._source.owner) ?? 0) + 1);
      }
    }
    return owners;
  }

  /** SIGKILL to the replica holding the most leases: its rules must be taken over. */
  async function killBusiestReplica(): Promise<void> {
    const owners = await leaseOwners();
    const [victim] = [...owners.entries()].sort((a, b) => b[1] - a[1])[0] ?? [];
    if (!victim) throw new Error('no replica holds a lease');
    await replicas.get(victim)!.stop('SIGKILL');
    replicas.delete(victim);
  }

  it('notifies every transition exactly once across a SIGKILL and a takeover', async () => {
    const api = new AlertingApi(replicas.get('one')!.baseUrl);
    for (const id of RULES) await api.createRule(gaugeRule(id, fixture, receiver));
    expect(transitionsSeen('firing')).toBe(false);

    for (let round = 1; round <= ROUNDS; round++) {
      for (const id of RULES) await fixture.setGauge(id, 150);
      await eventually(
        () => RULES.every((id) => countOf(id, 'firing') === round),
        `firing round ${round}`,
      );
      if (round === 2) await killBusiestReplica();
      for (const id of RULES) await fixture.setGauge(id, 10);
      await eventually(
        () => RULES.every((id) => countOf(id, 'resolved') === round),
        `resolved round ${round}`,
      );
    }

    const survivor = [...replicas.keys()][0]!;
    expect([...(await leaseOwners()).keys()]).toEqual([survivor]);
    for (const id of RULES) {
      const seen = receiver.received.filter((r) => r.path === `/${id}`);
      const keys = [...new Set(seen.map((r) => r.key))];
      // one idempotency key per transition: firing and resolved of episodes 1..ROUNDS
      expect(keys).toHaveLength(2 * ROUNDS);
      const transitions = new Set(
        seen.map((r) => `${String(r.json.kind)}:${String(r.json.episode)}`),
      );
      expect(transitions.size).toBe(2 * ROUNDS);
    }
  });
});
