import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchPlan } from './bench-plan';
import type { BenchResults } from './bench-results';
import { markdownReport } from './markdown-report';
import { reportDefinitions } from './report-definitions';
import { chartSvg, writePng } from './results-chart';
import { summaryKeys } from './summary-keys';

/** The non-finite numbers (a record never seen) as null: JSON has no Infinity. */
const finite = (_key: string, value: unknown) =>
  typeof value === 'number' && !Number.isFinite(value) ? null : value;

/**
 * Writes latest.json (the summary keys, then every result as `details`), latest.md and
 * latest.png (latest.svg when no Chromium could draw it) into the results directory.
 */
export async function writeReport(plan: BenchPlan, results: BenchResults): Promise<string[]> {
  mkdirSync(plan.resultsDir, { recursive: true });
  const file = (name: string) => join(plan.resultsDir, name);
  const json = { ...summaryKeys(results), details: results };
  writeFileSync(file('latest.json'), `${JSON.stringify(json, finite, 2)}\n`);
  writeFileSync(file('latest.md'), markdownReport(results, reportDefinitions(plan)));
  const written = [file('latest.json'), file('latest.md')];
  if (results.steps.length === 0) return written;
  const svg = chartSvg(results.steps);
  try {
    await writePng(svg, file('latest.png'));
    written.push(file('latest.png'));
  } catch (error) {
    console.error('[aggregator] no PNG (Chromium?): the chart is written as SVG', error);
    writeFileSync(file('latest.svg'), svg);
    written.push(file('latest.svg'));
  }
  return written;
}
