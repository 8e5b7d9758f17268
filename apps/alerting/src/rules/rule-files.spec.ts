import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UrlGuard } from '@meetup/webhook-delivery';
import { loadRuleFiles, RuleFileError } from './rule-files';

const guard = new UrlGuard({
  allowlist: ['https://hooks.example.com/'],
  resolve: () => Promise.resolve(['93.184.216.34']),
});

const flatline = `
id: stream-flatline
name: The RSVP stream died
type: flatline
trigger: { interval: 30s }
input: { index: meetup_rsvps, time_field: mtime, window: 5m }
condition: { op: lt, value: 1 }
actions:
  - { id: hook, type: webhook, url: "https://hooks.example.com/alerts", secret: "0123456789" }
`;

describe('rules from YAML files', () => {
  it('loads one rule per file and lists of rules', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rules-'));
    await writeFile(join(dir, 'flatline.yaml'), flatline);
    await writeFile(
      join(dir, 'more.yml'),
      'rules:\n  - { id: hot, name: hot, type: trending, trigger: { cron: "* * * * *" }, condition: { op: gte, value: 3 }, actions: [{ id: log, type: log }] }\n',
    );
    const rules = await loadRuleFiles(dir, guard);
    expect(rules.map((r) => r.id)).toEqual(['stream-flatline', 'hot']);
  });

  it('names the file and the field of an invalid rule', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rules-'));
    await writeFile(join(dir, 'bad.yaml'), flatline.replace('interval: 30s', 'interval: soon'));
    const error = await loadRuleFiles(dir, guard).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RuleFileError);
    expect((error as RuleFileError).problems).toEqual([
      { field: 'trigger.interval', message: 'must be a duration such as 30s, 5m, 1h' },
    ]);
  });
});
