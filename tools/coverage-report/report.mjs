#!/usr/bin/env node
// Line coverage of the unit tier per app and per lib: reads Jest's json-summary
// (dist/coverage/unit/coverage-summary.json, written by `jest --selectProjects unit --coverage`),
// prints a table and writes it beside as unit-lines.txt and unit-lines.json.
//
// Usage: node tools/coverage-report/report.mjs [summary.json]
// Reports only; the target (every app ≥ TARGET_PCT of lines) is shown, not enforced.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const TARGET_PCT = 70;
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const summaryFile = resolve(
  process.argv[2] ?? join(root, 'dist/coverage/unit/coverage-summary.json'),
);
const outDir = dirname(dirname(summaryFile));

/** @type {Record<string, {lines: {total: number, covered: number}}>} */
const summary = JSON.parse(readFileSync(summaryFile, 'utf8'));

/** @type {Map<string, {kind: string, name: string, files: number, covered: number, total: number}>} */
const projects = new Map();
for (const [file, counts] of Object.entries(summary)) {
  if (file === 'total') continue;
  const [kind, name] = relative(root, file).split('/');
  if ((kind !== 'apps' && kind !== 'libs') || !name) continue;
  const key = `${kind}/${name}`;
  const project = projects.get(key) ?? { kind, name, files: 0, covered: 0, total: 0 };
  project.files += 1;
  project.covered += counts.lines.covered;
  project.total += counts.lines.total;
  projects.set(key, project);
}

const pct = (covered, total) => (total === 0 ? 100 : (100 * covered) / total);
const rows = [...projects.entries()]
  .sort(([a], [b]) => a.localeCompare(b))
  .map(([key, p]) => ({ project: key, ...p, pct: Math.round(10 * pct(p.covered, p.total)) / 10 }));

function table(kind) {
  const selected = rows.filter((r) => r.kind === kind);
  const covered = selected.reduce((sum, r) => sum + r.covered, 0);
  const total = selected.reduce((sum, r) => sum + r.total, 0);
  const line = (name, c, t, p, mark = '') =>
    `  ${name.padEnd(28)} ${p.toFixed(1).padStart(6)} %  ${String(c).padStart(6)} / ${String(t).padEnd(6)}${mark}`.trimEnd();
  return [
    ...selected.map((r) =>
      line(
        r.project,
        r.covered,
        r.total,
        r.pct,
        kind === 'apps' && r.pct < TARGET_PCT ? `  < ${TARGET_PCT} %` : '',
      ),
    ),
    line(`${kind} (all)`, covered, total, pct(covered, total)),
  ];
}

const text = [
  'Unit-test line coverage (jest --selectProjects unit --coverage; lines with statements)',
  `  ${'project'.padEnd(28)} ${'lines'.padStart(8)}  covered / total`,
  ...table('apps'),
  ...table('libs'),
  '',
].join('\n');

mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'unit-lines.txt'), text);
writeFileSync(join(outDir, 'unit-lines.json'), JSON.stringify(rows, null, 2) + '\n');
process.stdout.write(`\n${text}  (written to ${relative(root, join(outDir, 'unit-lines.txt'))})\n`);
