import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import {
  chartDir,
  helm,
  parseObjects,
  type K8sObject,
  type Profile,
} from '../../tests/support/helm';

/**
 * The live control plane of tools/k8s/cluster.sh, as `make k8s-check` hands it to the tests:
 * KUBECONFIG (an administrator) and K8S_BIN (the pinned kubectl beside the servers).
 */
export function liveCluster(): { kubeconfig: string; kubectl: string } {
  const kubeconfig = process.env.KUBECONFIG;
  const bin = process.env.K8S_BIN;
  if (!kubeconfig || !bin) {
    throw new Error(
      'KUBECONFIG and K8S_BIN are not set: run these tests with `make k8s-check` (tools/k8s/run-with-cluster.sh starts the control plane)',
    );
  }
  return { kubeconfig, kubectl: join(bin, 'kubectl') };
}

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], input?: string): Run {
  const result = spawnSync(command, args, {
    input,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 600_000,
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Throws with the command's own words when it fails. */
export function ok(what: string, result: Run): Run {
  if (result.status !== 0) {
    throw new Error(`${what} failed (exit ${result.status}):\n${result.stderr}${result.stdout}`);
  }
  return result;
}

/** Like `ok`, and a failure also shows the namespace's workloads, pods and recent events. */
export function okIn(namespace: string, what: string, result: Run): Run {
  if (result.status === 0) return result;
  const state = kubectl([
    'get',
    'deployments,statefulsets,replicasets,jobs,pods',
    '-n',
    namespace,
    '-o',
    'wide',
  ]);
  const events = kubectl(['get', 'events', '-n', namespace, '--sort-by=.lastTimestamp']);
  throw new Error(
    `${what} failed (exit ${result.status}):\n${result.stderr}${result.stdout}\n${namespace}:\n${state.stdout}${state.stderr}\nevents:\n${events.stdout.split('\n').slice(-40).join('\n')}`,
  );
}

export function kubectl(args: string[], input?: string): Run {
  return run(liveCluster().kubectl, args, input);
}

export function helmRun(args: string[]): Run {
  return run(helm(), args);
}

/** A namespace of its own for one test, with Pod Security `restricted` enforced (and warned). */
export function createRestrictedNamespace(purpose: string): string {
  const name = `${purpose}-${randomBytes(3).toString('hex')}`;
  ok('kubectl create namespace', kubectl(['create', 'namespace', name]));
  ok(
    'kubectl label namespace',
    kubectl([
      'label',
      'namespace',
      name,
      'pod-security.kubernetes.io/enforce=restricted',
      'pod-security.kubernetes.io/enforce-version=latest',
      'pod-security.kubernetes.io/warn=restricted',
      'pod-security.kubernetes.io/warn-version=latest',
    ]),
  );
  return name;
}

export function deleteNamespace(name: string): void {
  kubectl(['delete', 'namespace', name, '--wait=false', '--ignore-not-found']);
}

/** Helm's value arguments for a profile plus values given as a JSON file. */
export function profileArgs(profile: Profile, valuesFile?: string): string[] {
  return [
    '-f',
    join(chartDir, 'profiles', `${profile}.yaml`),
    ...(valuesFile ? ['-f', valuesFile] : []),
  ];
}

/**
 * The chart rendered for `release` in `namespace` as `helm install` would render it against
 * this cluster: its real API versions decide the capability checks, `lookup` reads it.
 */
export function renderLive(release: string, namespace: string, args: string[]): string {
  return ok(
    'helm template --validate',
    helmRun(['template', release, chartDir, '--namespace', namespace, '--validate', ...args]),
  ).stdout;
}

/** Objects of one kind in a namespace, as the API server stores them. */
export function listObjects(kind: string, namespace: string, selector?: string): K8sObject[] {
  const result = ok(
    `kubectl get ${kind}`,
    kubectl(['get', kind, '-n', namespace, '-o', 'yaml', ...(selector ? ['-l', selector] : [])]),
  );
  const [list] = parseObjects(result.stdout) as unknown as [{ items: K8sObject[] }];
  return list.items;
}

export function getObject(kind: string, name: string, namespace: string): K8sObject | undefined {
  const result = kubectl(['get', kind, name, '-n', namespace, '-o', 'yaml']);
  if (result.status !== 0) {
    if (/NotFound|not found/.test(result.stderr)) return undefined;
    ok(`kubectl get ${kind} ${name}`, result);
  }
  return parseObjects(result.stdout)[0];
}

/** Warnings the API server returned (deprecations, unknown fields, Pod Security `warn`). */
export function warnings(stderr: string): string[] {
  return stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('Warning:'));
}
