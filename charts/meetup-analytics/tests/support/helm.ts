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
  /** Another copy of the chart (default: this one). */
  chart?: string;
  /** Render only this template (`helm template --show-only`). */
  showOnly?: string;
  /** API versions Helm is told the cluster serves (`--api-versions`, as Argo CD passes them). */
  apiVersions?: string[];
}

function valueArgs(options: RenderOptions): string[] {
  const args: string[] = (options.apiVersions ?? []).flatMap((api) => ['--api-versions', api]);
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

/** Rendered manifests → objects. */
export function parseObjects(manifests: string): K8sObject[] {
  return parseAllDocuments(manifests)
    .map((doc) => doc.toJS() as K8sObject | null)
    .filter((doc): doc is K8sObject => doc !== null);
}

/** `helm template` → the rendered objects (hooks and test pods included). */
export function render(options: RenderOptions = {}): K8sObject[] {
  const result = runHelm([
    'template',
    'meetup',
    options.chart ?? chartDir,
    '--namespace',
    'meetup',
    ...valueArgs(options),
    ...(options.showOnly ? ['--show-only', options.showOnly] : []),
  ]);
  if (result.status !== 0) throw new Error(`helm template failed: ${result.stderr}`);
  return parseObjects(result.stdout);
}

/** The error helm prints when it refuses the values (schema or a `fail` in a template). */
export function renderError(options: RenderOptions): string {
  const result = runHelm(['template', 'meetup', options.chart ?? chartDir, ...valueArgs(options)]);
  if (result.status === 0) throw new Error('helm template succeeded, a failure was expected');
  return result.stderr;
}

/** `helm package` into `dir` → the path of the chart archive. */
export function packageChart(dir: string): string {
  const result = runHelm(['package', chartDir, '--destination', dir]);
  if (result.status !== 0) throw new Error(`helm package failed: ${result.stderr}`);
  const path = /saved it to: (\S+)/.exec(result.stdout)?.[1];
  if (!path) throw new Error(`helm package printed no archive path: ${result.stdout}`);
  return path;
}

/**
 * Helm's arguments for rendering release `meetup` in namespace `meetup` against a live cluster
 * (tests/support/fake-cluster.ts): `helm template --validate --dry-run=server` asks the
 * cluster for its APIs and lets `lookup` read it, as `helm install`/`upgrade` do;
 * `upgrade: true` renders as an upgrade of an installed release. `helm install --dry-run`
 * (`install: true`) also prints the NOTES.
 */
export function liveRenderArgs(options: RenderOptions & { upgrade?: boolean; install?: boolean }) {
  const command = options.install
    ? ['install', 'meetup', chartDir, '--dry-run=server']
    : ['template', 'meetup', chartDir, '--validate', '--dry-run=server'];
  return [
    ...command,
    '--namespace',
    'meetup',
    '--disable-openapi-validation',
    ...(options.upgrade ? ['--is-upgrade'] : []),
    ...valueArgs(options),
  ];
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
