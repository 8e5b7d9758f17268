/**
 * What a rendered release asks of a cluster, read from the rendered objects
 * themselves (never from a hand-kept copy): Strimzi topics, users and ACLs,
 * the ECK Elasticsearch and its users and roles, the Secrets and ConfigMaps,
 * and every workload's pod template. Pure: no engine, no process.
 */
import type { K8sObject } from '../../tests/support/helm';

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    secretKeyRef?: { name: string; key: string; optional?: boolean };
    configMapKeyRef?: { name: string; key: string; optional?: boolean };
    fieldRef?: { fieldPath: string };
  };
}

export interface VolumeMount {
  name: string;
  mountPath: string;
  readOnly?: boolean;
  subPath?: string;
}

export interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  env?: EnvVar[];
  volumeMounts?: VolumeMount[];
  ports?: { name?: string; containerPort: number }[];
}

export interface Volume {
  name: string;
  secret?: { secretName: string; items?: { key: string; path: string }[]; optional?: boolean };
  configMap?: { name: string; items?: { key: string; path: string }[]; optional?: boolean };
  emptyDir?: Record<string, unknown>;
}

export interface PodTemplate {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  containers: Container[];
  initContainers: Container[];
  volumes: Volume[];
  restartPolicy: 'Always' | 'OnFailure' | 'Never';
}

export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'Job' | 'CronJob' | 'Pod';

export interface Workload {
  kind: WorkloadKind;
  name: string;
  /** Pods to run: the replicas of a Deployment or StatefulSet (HPA/KEDA: their minimum), 1 otherwise. */
  replicas: number;
  /** `helm.sh/hook` phases (post-install, test, …); empty for a regular object. */
  hooks: string[];
  hookWeight: number;
  /** Job/CronJob: retries before the Job fails. */
  backoffLimit: number;
  template: PodTemplate;
}

export interface ServicePort {
  name?: string;
  port: number;
  targetPort: number | string;
}

export interface ServiceModel {
  name: string;
  selector: Record<string, string>;
  headless: boolean;
  ports: ServicePort[];
}

export interface KafkaListener {
  name: string;
  port: number;
  tls: boolean;
  authentication?: string;
}

export interface KafkaModel {
  cluster: string;
  listeners: KafkaListener[];
  authorization?: string;
  config: Record<string, unknown>;
}

export interface TopicModel {
  name: string;
  partitions: number;
  replicas: number;
  config: Record<string, string>;
}

export interface AclModel {
  resourceType: 'topic' | 'group' | 'cluster' | 'transactionalId';
  name: string;
  patternType: 'literal' | 'prefix';
  operations: string[];
  host: string;
  type: 'allow' | 'deny';
}

export interface KafkaUserModel {
  name: string;
  authentication: string;
  acls: AclModel[];
}

export interface ElasticsearchModel {
  name: string;
  version: string;
  /** Secrets holding `roles.yml` (ECK `auth.roles`). */
  roleSecrets: string[];
  /** Secrets of users: `username`, `password`, `roles` (ECK `auth.fileRealm`). */
  fileRealmSecrets: string[];
  /** The first node set's Elasticsearch settings. */
  config: Record<string, unknown>;
}

export interface ReleaseModel {
  objects: K8sObject[];
  kafka?: KafkaModel;
  topics: TopicModel[];
  users: KafkaUserModel[];
  elasticsearch?: ElasticsearchModel;
  kibana?: { name: string };
  secrets: Map<string, Record<string, string>>;
  configMaps: Map<string, Record<string, string>>;
  services: ServiceModel[];
  workloads: Workload[];
}

type Loose = Record<string, unknown>;

const asRecord = (value: unknown): Loose =>
  value !== null && typeof value === 'object' ? (value as Loose) : {};
const asArray = <T = Loose>(value: unknown): T[] => (Array.isArray(value) ? (value as T[]) : []);
const stringMap = (value: unknown): Record<string, string> =>
  Object.fromEntries(Object.entries(asRecord(value)).map(([k, v]) => [k, String(v)]));

/** Reads every part of the release a local cluster needs to play. */
export function releaseModel(objects: K8sObject[]): ReleaseModel {
  const of = (kind: string) => objects.filter((o) => o.kind === kind);
  const kafka = of('Kafka')[0];
  const es = of('Elasticsearch')[0];
  const kibana = of('Kibana')[0];
  return {
    objects,
    kafka: kafka && kafkaModel(kafka),
    topics: of('KafkaTopic').map(topicModel),
    users: of('KafkaUser').map(userModel),
    elasticsearch: es && elasticsearchModel(es),
    kibana: kibana && { name: kibana.metadata.name },
    secrets: new Map(of('Secret').map((s) => [s.metadata.name, secretData(s)])),
    configMaps: new Map(of('ConfigMap').map((c) => [c.metadata.name, stringMap(c.data)])),
    services: of('Service').map(serviceModel),
    workloads: objects.flatMap((o) => {
      const workload = workloadModel(o, objects);
      return workload ? [workload] : [];
    }),
  };
}

function kafkaModel(object: K8sObject): KafkaModel {
  const kafka = asRecord(asRecord(object.spec).kafka);
  return {
    cluster: object.metadata.name,
    listeners: asArray(kafka.listeners).map((l) => ({
      name: String(l.name),
      port: Number(l.port),
      tls: l.tls === true,
      authentication: asRecord(l.authentication).type as string | undefined,
    })),
    authorization: asRecord(kafka.authorization).type as string | undefined,
    config: asRecord(kafka.config),
  };
}

function topicModel(object: K8sObject): TopicModel {
  const spec = asRecord(object.spec);
  return {
    name: typeof spec.topicName === 'string' ? spec.topicName : object.metadata.name,
    partitions: Number(spec.partitions ?? 1),
    replicas: Number(spec.replicas ?? 1),
    config: stringMap(spec.config),
  };
}

function userModel(object: K8sObject): KafkaUserModel {
  const spec = asRecord(object.spec);
  const authorization = asRecord(spec.authorization);
  return {
    name: object.metadata.name,
    authentication: String(asRecord(spec.authentication).type),
    acls: asArray(authorization.acls).map((acl) => {
      const resource = asRecord(acl.resource);
      const operations = acl.operations ?? (acl.operation ? [acl.operation] : []);
      return {
        resourceType: String(resource.type) as AclModel['resourceType'],
        name: typeof resource.name === 'string' ? resource.name : 'kafka-cluster',
        patternType: (resource.patternType ?? 'literal') as AclModel['patternType'],
        operations: asArray<string>(operations).map(String),
        host: typeof acl.host === 'string' ? acl.host : '*',
        type: (acl.type ?? 'allow') as AclModel['type'],
      };
    }),
  };
}

function elasticsearchModel(object: K8sObject): ElasticsearchModel {
  const spec = asRecord(object.spec);
  const auth = asRecord(spec.auth);
  const names = (list: unknown) =>
    asArray(list)
      .map((entry) => entry.secretName)
      .filter((name): name is string => typeof name === 'string');
  return {
    name: object.metadata.name,
    version: String(spec.version),
    roleSecrets: names(auth.roles),
    fileRealmSecrets: names(auth.fileRealm),
    config: asRecord(asArray(spec.nodeSets)[0]?.config),
  };
}

function secretData(object: K8sObject): Record<string, string> {
  const decoded: Record<string, string> = {};
  for (const [key, value] of Object.entries(stringMap(object.data)))
    decoded[key] = Buffer.from(value, 'base64').toString('utf8');
  return { ...decoded, ...stringMap(object.stringData) };
}

function serviceModel(object: K8sObject): ServiceModel {
  const spec = asRecord(object.spec);
  return {
    name: object.metadata.name,
    selector: stringMap(spec.selector),
    headless: spec.clusterIP === 'None',
    ports: asArray(spec.ports).map((p) => ({
      name: p.name as string | undefined,
      port: Number(p.port),
      targetPort: (p.targetPort ?? p.port) as number | string,
    })),
  };
}

const WORKLOAD_KINDS: readonly string[] = ['Deployment', 'StatefulSet', 'Job', 'CronJob', 'Pod'];

function workloadModel(object: K8sObject, objects: K8sObject[]): Workload | undefined {
  if (!WORKLOAD_KINDS.includes(object.kind)) return undefined;
  const spec = asRecord(object.spec);
  const annotations = object.metadata.annotations ?? {};
  const jobSpec = object.kind === 'CronJob' ? asRecord(asRecord(spec.jobTemplate).spec) : spec;
  const podSpec = object.kind === 'Pod' ? spec : asRecord(asRecord(jobSpec.template).spec);
  const podMeta =
    object.kind === 'Pod' ? object.metadata : asRecord(asRecord(jobSpec.template).metadata);
  return {
    kind: object.kind as WorkloadKind,
    name: object.metadata.name,
    replicas: replicasOf(object, objects),
    hooks: (annotations['helm.sh/hook'] ?? '')
      .split(',')
      .map((h) => h.trim())
      .filter(Boolean),
    hookWeight: Number(annotations['helm.sh/hook-weight'] ?? 0),
    backoffLimit: Number(jobSpec.backoffLimit ?? 6),
    template: {
      labels: stringMap(podMeta.labels),
      annotations: stringMap(podMeta.annotations),
      containers: asArray<Container>(podSpec.containers),
      initContainers: asArray<Container>(podSpec.initContainers),
      volumes: asArray<Volume>(podSpec.volumes),
      restartPolicy: (podSpec.restartPolicy ??
        (object.kind === 'Deployment' || object.kind === 'StatefulSet'
          ? 'Always'
          : 'Never')) as PodTemplate['restartPolicy'],
    },
  };
}

/** Replicas as the cluster would start them: an autoscaler's minimum when one targets the workload. */
function replicasOf(object: K8sObject, objects: K8sObject[]): number {
  if (object.kind !== 'Deployment' && object.kind !== 'StatefulSet') return 1;
  const scaler = objects.find((o) => {
    const target = asRecord(asRecord(o.spec).scaleTargetRef);
    return (
      (o.kind === 'HorizontalPodAutoscaler' || o.kind === 'ScaledObject') &&
      target.name === object.metadata.name
    );
  });
  if (scaler) {
    const spec = asRecord(scaler.spec);
    return Number(spec.minReplicas ?? spec.minReplicaCount ?? 1);
  }
  return Number(asRecord(object.spec).replicas ?? 1);
}

/** The Service that selects a workload's pods, if any. */
export function serviceOf(model: ReleaseModel, workload: Workload): ServiceModel | undefined {
  return model.services.find(
    (s) =>
      Object.keys(s.selector).length > 0 &&
      Object.entries(s.selector).every(([k, v]) => workload.template.labels[k] === v),
  );
}

/** The pod names a workload's replicas get, as the controllers name them. */
export function podNames(workload: Workload): string[] {
  if (workload.kind === 'StatefulSet')
    return Array.from({ length: workload.replicas }, (_, i) => `${workload.name}-${i}`);
  return Array.from({ length: workload.replicas }, (_, i) => `${workload.name}-pod${i}`);
}
