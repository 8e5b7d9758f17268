import { Client } from '@elastic/elasticsearch';
import { createLogger, Registry } from '@meetup/observability';
import { AlertingRuntime } from './alerting.runtime';
import { loadAlertingConfig } from './config/alerting.config';
import { RuleRunner } from './engine/rule-runner';
import { RuleScheduler } from './engine/rule-scheduler';
import { AlertStateStore } from './store/alert-state-store';
import { RuleStore } from './store/rule-store';

describe('AlertingRuntime', () => {
  // Built, never started: nothing here talks to Elasticsearch.
  const elasticsearch = new Client({ node: 'http://127.0.0.1:9' });
  afterAll(() => elasticsearch.close());

  function build(env: Record<string, string> = {}) {
    const { alerting } = loadAlertingConfig({
      ES_URL: 'http://127.0.0.1:9',
      ALERTING_API_TOKEN: '0123456789abcdef',
      ALERTING_INDEX_PREFIX: 'p_',
      ...env,
    });
    const registry = new Registry();
    const logger = createLogger({ serviceName: 'alerting', level: 'silent' });
    return {
      runtime: new AlertingRuntime({ settings: alerting, elasticsearch, logger, registry }),
      registry,
    };
  }

  it('works on the indices under the configured prefix, the trending alias as default input', () => {
    const { runtime } = build();
    expect(runtime.indices).toEqual({
      rules: 'p_meetup_alert_rules',
      history: 'p_meetup_alert_history',
      state: 'p_meetup_alert_state',
      outbox: 'p_meetup_alert_outbox',
      leases: 'p_meetup_alert_leases',
      trending: 'p_meetup_global_trending_topics',
    });
  });

  it('hands out one of each part the API and the schedule share', () => {
    const { runtime } = build();
    expect(runtime.rules).toBeInstanceOf(RuleStore);
    expect(runtime.states).toBeInstanceOf(AlertStateStore);
    expect(runtime.runner).toBeInstanceOf(RuleRunner);
    expect(runtime.scheduler).toBeInstanceOf(RuleScheduler);
  });

  it('registers its metrics in the registry it is given', async () => {
    const { registry } = build();
    expect(await registry.metrics()).toContain('meetup_alerting_evaluations_total');
  });

  it('lets webhooks reach only the configured allowlist', async () => {
    const { runtime } = build({ WEBHOOK_ALLOWLIST: 'https://hooks.example.com/' });
    await expect(runtime.guard.check('https://elsewhere.example.org/hook')).rejects.toThrow(
      'does not match the webhook allowlist',
    );
  });
});
