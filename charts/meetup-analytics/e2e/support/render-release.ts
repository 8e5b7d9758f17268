import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { chartDir as defaultChartDir, helm, type K8sObject } from '../../tests/support/helm';

export interface RenderReleaseOptions {
  release: string;
  namespace: string;
  /** A profile of the chart's profiles/ folder. */
  profile: string;
  /** Values over the profile. */
  values: Record<string, unknown>;
  chartDir?: string;
}

/** `helm template` of a release with its name and namespace: every object, hooks and tests included. */
export function renderRelease(options: RenderReleaseOptions): K8sObject[] {
  const chart = options.chartDir ?? defaultChartDir;
  const valuesFile = join(mkdtempSync(join(tmpdir(), 'e2e-values-')), 'values.json');
  writeFileSync(valuesFile, JSON.stringify(options.values));
  const result = spawnSync(
    helm(),
    [
      'template',
      options.release,
      chart,
      '--namespace',
      options.namespace,
      '-f',
      join(chart, 'profiles', `${options.profile}.yaml`),
      '-f',
      valuesFile,
    ],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  if (result.status !== 0) throw new Error(`helm template failed: ${result.stderr}`);
  return parseAllDocuments(result.stdout)
    .map((doc) => doc.toJS() as K8sObject | null)
    .filter((doc): doc is K8sObject => doc !== null);
}
