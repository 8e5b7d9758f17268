import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { chartDir, repoRoot } from './support/helm';

/** README.md as `make chart-docs` writes it (helm-docs over README.md.gotmpl and values.yaml). */
const generated = execFileSync(join(repoRoot, 'tools/helm/chart-docs.sh'), ['--stdout'], {
  encoding: 'utf8',
});
const committed = readFileSync(join(chartDir, 'README.md'), 'utf8');

/** The rows of the values table: key → description. */
function valuesTable(readme: string): Map<string, string> {
  const lines = readme.slice(readme.indexOf('## Values')).split('\n');
  const rows = lines
    .filter((line) => line.startsWith('| '))
    .map((line) => line.split('|').map((cell) => cell.trim()))
    .filter(([, key]) => key !== 'Key' && !/^-+$/.test(key ?? ''));
  return new Map(rows.map(([, key, , , description]) => [key ?? '', description ?? '']));
}

/** Every key path of values.yaml, maps included (`a`, `a.b`, …). */
function valuePaths(node: unknown, prefix = ''): string[] {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return [];
  return Object.entries(node as Record<string, unknown>).flatMap(([key, value]) => [
    `${prefix}${key}`,
    ...valuePaths(value, `${prefix}${key}.`),
  ]);
}

describe('the chart README', () => {
  it('is what make chart-docs generates from values.yaml (run it after changing a value)', () => {
    expect(committed).toBe(generated);
  });

  it('describes every value it lists', () => {
    const rows = valuesTable(generated);
    expect(rows.size).toBeGreaterThan(100);
    expect(
      [...rows].filter(([, description]) => description.trim() === '').map(([key]) => key),
    ).toEqual([]);
  });

  it('lists every value of values.yaml, or the documented map holding it', () => {
    const rows = valuesTable(generated);
    const values = parseYaml(readFileSync(join(chartDir, 'values.yaml'), 'utf8')) as unknown;
    const leaves = valuePaths(values).filter(
      (path) => !valuePaths(values).some((p) => p.startsWith(`${path}.`)),
    );
    const undocumented = leaves.filter(
      (leaf) => ![...rows.keys()].some((key) => leaf === key || leaf.startsWith(`${key}.`)),
    );
    expect(undocumented).toEqual([]);
  });
});
