import { IndexAliases } from '@meetup/contracts';
import { analyticsIndexSpecs } from '@meetup/elasticsearch';
import { launchService, readinessOf, testEngines, type ServiceProcess } from '@meetup/test-support';
import {
  AlertingApi,
  AlertingFixture,
  API_TOKEN,
  eventually,
  gaugeRule,
  WebhookReceiver,
} from './alerting-harness';

describe('alerting started before the bootstrap created its indices', () => {
  const fixture = new AlertingFixture();
  const receiver = new WebhookReceiver();
  let service: ServiceProcess | undefined;

  beforeAll(() => receiver.start());
  afterAll(async () => {
    await service?.stop('SIGKILL');
    await receiver.stop();
    await fixture.tearDown();
  });

  it('stays alive and not ready naming the indices it waits for, then works once they exist', async () => {
    service = await launchService('alerting', {
      ES_URL: testEngines().elasticsearchUrl,
      ALERTING_INDEX_PREFIX: fixture.prefix,
      ALERTING_API_TOKEN: API_TOKEN,
      ALERTING_TICK_MS: '250',
      WEBHOOK_ALLOWLIST: '127.0.0.1',
      WEBHOOK_ALLOW_LOOPBACK: 'true',
    });
    const running = service;
    const waiting = await eventually(async () => {
      const answer = await readinessOf(running);
      return answer?.body.details.indices?.waitingFor !== undefined && answer;
    }, 'readiness naming the missing indices');
    expect(waiting.status).toBe(503);
    expect(waiting.body.details.elasticsearch?.status).toBe('up');
    expect(waiting.body.details.indices).toMatchObject({
      status: 'down',
      message: 'waiting for indices',
      waitingFor: expect.arrayContaining([
        fixture.prefix + IndexAliases.alertRules,
        fixture.prefix + IndexAliases.alertHistory,
      ]) as unknown,
    });
    expect((await fetch(`${running.baseUrl}/health/live`)).status).toBe(200);
    const waitLines = running
      .output()
      .split('\n')
      .filter((l) => l.includes('"waiting for indices"'));
    expect(waitLines).toHaveLength(1);
    expect(waitLines[0]).toContain(fixture.prefix + IndexAliases.alertRules);

    // What the bootstrap creates for alerting (only that, to keep the test short).
    await fixture.setUp(
      analyticsIndexSpecs.filter((spec) => spec.alias.startsWith('meetup_alert_')),
    );
    await eventually(async () => (await readinessOf(running))?.status === 200, 'ready');
    expect(running.process.exitCode).toBeNull();
    await new AlertingApi(running.baseUrl).createRule(gaugeRule('late-start', fixture, receiver));
    await fixture.evaluatedMore('late-start', 1);
  });
});
