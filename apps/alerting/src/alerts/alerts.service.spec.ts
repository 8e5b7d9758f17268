import { newInstance, type AlertInstance, type RuleAlertState } from '@meetup/alert-rules';
import { ApiError } from '../api/api-error';
import {
  StateConflictError,
  type AlertStateStore,
  type VersionedState,
} from '../store/alert-state-store';
import type { RuleStore } from '../store/rule-store';
import { AlertsService } from './alerts.service';

const T = Date.UTC(2024, 4, 3, 12);

function alert(status: AlertInstance['status'], extra: Partial<AlertInstance> = {}): AlertInstance {
  return { ...newInstance(T), status, episode: 3, values: { count: 7 }, ...extra };
}

/**
 * Alert states as AlertStateStore keeps them: written only at the version read; `interfere`
 * simulates evaluations that change a state between the service's read and its write.
 */
class States {
  readonly states = new Map<string, { state: RuleAlertState; seqNo: number }>();
  interfere = 0;

  constructor(...states: RuleAlertState[]) {
    for (const state of states) this.states.set(state.rule_id, { state, seqNo: 1 });
  }

  all(): Promise<RuleAlertState[]> {
    return Promise.resolve([...this.states.values()].map((s) => s.state));
  }

  get(ruleId: string): Promise<VersionedState> {
    const found = this.states.get(ruleId);
    return Promise.resolve({
      state: structuredClone(found?.state ?? { rule_id: ruleId, last_episode: 0, groups: {} }),
      version: found ? { seqNo: found.seqNo, primaryTerm: 1 } : undefined,
    });
  }

  put(state: RuleAlertState, version: VersionedState['version']): Promise<void> {
    const current = this.states.get(state.rule_id);
    if (this.interfere > 0 && current) {
      this.interfere -= 1;
      current.seqNo += 1;
    }
    if (current && version?.seqNo !== current.seqNo) {
      return Promise.reject(new StateConflictError(state.rule_id));
    }
    this.states.set(state.rule_id, { state, seqNo: (current?.seqNo ?? 0) + 1 });
    return Promise.resolve();
  }
}

function setUp() {
  const states = new States(
    { rule_id: 'hot', last_episode: 3, groups: { de: alert('firing'), fr: alert('ok') } },
    {
      rule_id: 'flat',
      last_episode: 1,
      snoozed_until: T + 60_000,
      groups: { '*': alert('acknowledged', { snoozed_until: T + 5_000 }) },
    },
  );
  // Every rule exists here; the API test covers snoozing a rule that does not.
  const rules = { get: () => Promise.resolve({}) } as unknown as RuleStore;
  return { states, subject: new AlertsService(states as unknown as AlertStateStore, rules) };
}

async function errorOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (e: unknown) => (e instanceof ApiError ? e.getResponse() : e),
  );
}

describe('AlertsService', () => {
  it('lists every alert, filtered by rule and status, with the later of the rule and group snooze', async () => {
    const { subject } = setUp();
    expect(await subject.list({})).toHaveLength(3);
    expect(await subject.list({ ruleId: 'hot', status: 'firing' })).toEqual([
      {
        rule_id: 'hot',
        group: 'de',
        status: 'firing',
        episode: 3,
        since: new Date(T).toISOString(),
        values: { count: 7 },
        flapping: false,
        snoozed_until: undefined,
      },
    ]);
    expect((await subject.list({ ruleId: 'flat' }))[0]?.snoozed_until).toBe(
      new Date(T + 60_000).toISOString(),
    );
  });

  it('acknowledges a firing alert and unacknowledges it again', async () => {
    const { subject, states } = setUp();
    await subject.ack('hot', 'de');
    expect(states.states.get('hot')?.state.groups.de?.status).toBe('acknowledged');
    await subject.unack('hot', 'de');
    expect(states.states.get('hot')?.state.groups.de?.status).toBe('firing');
  });

  it('answers why a command does not apply: an unknown alert, or one in the wrong state', async () => {
    const { subject } = setUp();
    expect(await errorOf(subject.ack('hot', 'xx'))).toMatchObject({ error: 'alert_not_found' });
    expect(await errorOf(subject.ack('hot', 'fr'))).toMatchObject({
      error: 'not_firing',
      message: 'the alert is not firing',
    });
    expect(await errorOf(subject.unack('hot', 'de'))).toMatchObject({ error: 'not_acknowledged' });
  });

  it('applies a command again on the state an evaluation wrote meanwhile', async () => {
    const { subject, states } = setUp();
    states.interfere = 2;
    await subject.snooze('hot', T + 3_600_000);
    expect(states.states.get('hot')?.state.snoozed_until).toBe(T + 3_600_000);
  });

  it('gives up with a conflict when the state keeps changing under it', async () => {
    const { subject, states } = setUp();
    states.interfere = 5;
    expect(await errorOf(subject.snooze('hot', T + 1, 'de'))).toMatchObject({ error: 'conflict' });
  });
});
