import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { errors } from '@elastic/elasticsearch';
import { createLogger } from '@meetup/observability';
import { UrlGuard } from '@meetup/webhook-delivery';
import { InMemoryRules, ruleOf } from '../../test/support/in-memory-alerting';
import type { RuleStore } from '../store/rule-store';
import { RuleFileSync, staleFileRules } from './rule-file-sync';

const guard = new UrlGuard({
  allowlist: ['https://hooks.example.com/'],
  resolve: () => Promise.resolve(['93.184.216.34']),
});
const logger = createLogger({ serviceName: 'alerting', level: 'silent' });

const hot = `
id: hot
name: hot topics
type: trending
trigger: { interval: 30s }
condition: { op: gte, value: 5 }
actions: [{ id: log, type: log }]
`;

async function rulesDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'rule-sync-'));
  await writeFile(join(dir, 'hot.yaml'), hot);
  return dir;
}

describe('staleFileRules', () => {
  it('names the file rules the directory no longer holds, never an API rule', () => {
    const stored = [
      { rule: ruleOf({ id: 'gone' }), origin: 'file' as const, created_at: '', updated_at: '' },
      { rule: ruleOf({ id: 'kept' }), origin: 'file' as const, created_at: '', updated_at: '' },
      { rule: ruleOf({ id: 'mine' }), origin: 'api' as const, created_at: '', updated_at: '' },
    ];
    expect(staleFileRules(stored, [ruleOf({ id: 'kept' })])).toEqual(['gone']);
  });
});

describe('RuleFileSync', () => {
  it('stores the directory’s rules in place of the file rules stored before, leaving API rules alone', async () => {
    const rules = new InMemoryRules();
    const before = await rules.put(ruleOf({ id: 'hot' }), 'file');
    await rules.put(ruleOf({ id: 'removed' }), 'file');
    await rules.put(ruleOf({ id: 'mine' }), 'api');
    const sync = new RuleFileSync(await rulesDir(), {
      rules: rules as unknown as RuleStore,
      guard,
      logger,
    });

    await sync.load();
    await sync.sync();

    expect([...rules.rules.keys()].sort()).toEqual(['hot', 'mine']);
    const stored = rules.rules.get('hot');
    expect(stored?.origin).toBe('file');
    expect(stored?.rule.condition).toMatchObject({ op: 'gte', value: 5 });
    expect(stored?.created_at).toBe(before.created_at);
    expect(stored?.updated_at).not.toBe(before.updated_at);
  });

  it('stores the rules as a start-up step, and words a refusal as Elasticsearch’s', async () => {
    const rules = new InMemoryRules();
    const sync = new RuleFileSync(await rulesDir(), {
      rules: rules as unknown as RuleStore,
      guard,
      logger,
    });
    await sync.load();
    const step = sync.prerequisite({ url: 'http://127.0.0.1:9200' });

    expect(step.name).toBe('rules');
    expect(await step.missing()).toEqual([]);
    expect(rules.rules.has('hot')).toBe(true);
    const failure = step.describeFailure(new errors.ConnectionError('connect ECONNREFUSED'));
    expect(failure).toMatchObject({ dependency: 'elasticsearch', kind: 'unavailable' });
  });

  it('stores nothing before the directory was read, and drops the file rules stored before', async () => {
    const rules = new InMemoryRules();
    await rules.put(ruleOf({ id: 'old' }), 'file');
    const sync = new RuleFileSync(await rulesDir(), {
      rules: rules as unknown as RuleStore,
      guard,
      logger,
    });
    await sync.sync();
    expect(rules.rules.size).toBe(0);
  });
});
