import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

export const repoRoot = resolve(__dirname, '../../../..');
export const chartDir = resolve(__dirname, '../..');
export const profiles = ['kind', 'production', 'external'] as const;
export type Profile = (typeof profiles)[number];

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
  [key: string]: unknown;
}

let helmPath: string | undefined;

/** The project's pinned helm, built from the Go module proxy on first use. */
export function helm(): string {
  helmPath ??= join(
    execFileSync(join(repoRoot, 'tools/helm/ensure-helm.sh'), { encoding: 'utf8' }).trim(),
    'helm',
  );
  return helmPath;
}

export interface RenderOptions {
  profile?: Profile;
  /** Values merged over the profile, as a values file. */
  values?: Record<string, unknown>;
}

function valueArgs(options: RenderOptions): string[] {
  const args: string[] = [];
  if (options.profile) args.push('-f', join(chartDir, 'profiles', `${options.profile}.yaml`));
  if (options.values) {
    const file = join(mkdtempSync(join(tmpdir(), 'chart-values-')), 'values.json');
    writeFileSync(file, JSON.stringify(options.values));
    args.push('-f', file);
  }
  return args;
}

function runHelm(args: string[]) {
  return spawnSync(helm(), args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

/** `helm template` → the rendered objects (hooks and test pods included). */
export function render(options: RenderOptions = {}): K8sObject[] {
  const result = runHelm([
    'template',
    'meetup',
    chartDir,
    '--namespace',
    'meetup',
    ...valueArgs(options),
  ]);
  if (result.status !== 0) throw new Error(`helm template failed: ${result.stderr}`);
  return parseAllDocuments(result.stdout)
    .map((doc) => doc.toJS() as K8sObject | null)
    .filter((doc): doc is K8sObject => doc !== null);
}

/** The error helm prints when it refuses the values (schema or a `fail` in a template). */
export function renderError(options: RenderOptions): string {
  const result = runHelm(['template', 'meetup', chartDir, ...valueArgs(options)]);
  if (result.status === 0) throw new Error('helm template succeeded, a failure was expected');
  return result.stderr;
}

export function lint(profile: Profile): { ok: boolean; output: string } {
  const result = runHelm(['lint', '--strict', chartDir, ...valueArgs({ profile })]);
  return { ok: result.status === 0, output: result.stdout + result.stderr };
}

export const ofKind = (objects: K8sObject[], kind: string) =>
  objects.filter((o) => o.kind === kind);

export function named(objects: K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found)
    throw new Error(
      `no ${kind} ${name} among ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`,
    );
  return found;
}
