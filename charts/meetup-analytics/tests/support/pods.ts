import type { K8sObject } from './helm';

export interface Container {
  name: string;
  env?: { name: string; value?: string; valueFrom?: Record<string, Record<string, string>> }[];
  securityContext?: Record<string, unknown> & { capabilities?: { drop?: string[] } };
  volumeMounts?: { name: string; mountPath: string }[];
  args?: string[];
  resources?: { limits?: Record<string, string | number>; requests?: Record<string, unknown> };
}
export interface PodSpec {
  securityContext?: Record<string, unknown>;
  containers: Container[];
  initContainers?: Container[];
  volumes?: { name: string; emptyDir?: unknown }[];
}
export interface PodTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: PodSpec;
}

/** Every pod template an object carries (workloads, jobs, cron jobs, bare pods). */
export function podTemplateOf(object: K8sObject): PodTemplate | undefined {
  const spec = object.spec;
  switch (object.kind) {
    case 'Pod':
      return { metadata: object.metadata, spec: object.spec as unknown as PodSpec };
    case 'Deployment':
    case 'StatefulSet':
    case 'Job':
      return spec?.template as PodTemplate;
    case 'CronJob':
      return ((spec?.jobTemplate as Record<string, unknown>).spec as Record<string, unknown>)
        .template as PodTemplate;
    default:
      return undefined;
  }
}

export function envOf(
  container: Container,
): Map<string, Container['env'] extends (infer E)[] | undefined ? E : never> {
  return new Map((container.env ?? []).map((e) => [e.name, e]));
}
