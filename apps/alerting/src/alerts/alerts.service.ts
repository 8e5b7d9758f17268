import { Injectable } from '@nestjs/common';
import {
  ALL_GROUPS,
  acknowledge,
  snooze,
  unacknowledge,
  type AlertCommandResult,
  type AlertInstance,
  type RuleAlertState,
} from '@meetup/alert-rules';
import { ApiError } from '../api/api-error';
import { AlertStateStore, StateConflictError } from '../store/alert-state-store';
import { RuleStore } from '../store/rule-store';

export interface AlertListing {
  rule_id: string;
  group: string;
  status: AlertInstance['status'];
  episode: number;
  since: string;
  values: AlertInstance['values'];
  flapping: boolean;
  snoozed_until?: string;
}

const iso = (ms: number | undefined) => (ms ? new Date(ms).toISOString() : undefined);

/** Alert listing and the operator's commands; commands retry on a concurrent evaluation. */
@Injectable()
export class AlertsService {
  constructor(
    private readonly states: AlertStateStore,
    private readonly rules: RuleStore,
  ) {}

  async list(filter: { ruleId?: string; status?: string }): Promise<AlertListing[]> {
    const all = await this.states.all();
    return all
      .filter((s) => !filter.ruleId || s.rule_id === filter.ruleId)
      .flatMap((s) =>
        Object.entries(s.groups).map(([group, a]) => ({
          rule_id: s.rule_id,
          group,
          status: a.status,
          episode: a.episode,
          since: new Date(a.since).toISOString(),
          values: a.values,
          flapping: a.flapping,
          snoozed_until: iso(Math.max(a.snoozed_until ?? 0, s.snoozed_until ?? 0)),
        })),
      )
      .filter((a) => !filter.status || a.status === filter.status);
  }

  ack(ruleId: string, group = ALL_GROUPS) {
    return this.command(ruleId, (s) => acknowledge(s, group, Date.now()));
  }

  unack(ruleId: string, group = ALL_GROUPS) {
    return this.command(ruleId, (s) => unacknowledge(s, group, Date.now()));
  }

  /** A rule may be snoozed before it ever fired, but it must exist. */
  async snooze(ruleId: string, until: number, group?: string) {
    if (!(await this.rules.get(ruleId))) throw new ApiError('rule_not_found', `no rule ${ruleId}`);
    return this.command(ruleId, (s) => snooze(s, until, group));
  }

  private async command(
    ruleId: string,
    apply: (state: RuleAlertState) => AlertCommandResult,
  ): Promise<RuleAlertState> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const { state, version } = await this.states.get(ruleId);
      const result = apply(state);
      if (!result.ok) {
        if (result.error === 'unknown_group')
          throw new ApiError('alert_not_found', 'no such alert');
        throw new ApiError(result.error, `the alert is ${result.error.replace('_', ' ')}`);
      }
      try {
        await this.states.put(result.state, version, 'api');
        return result.state;
      } catch (error) {
        if (!(error instanceof StateConflictError)) throw error;
      }
    }
    throw new ApiError('conflict', 'the alert kept changing; try again');
  }
}
