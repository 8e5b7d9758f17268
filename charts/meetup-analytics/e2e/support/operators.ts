/**
 * The operators' part, played on the local engines: what Strimzi and ECK
 * would create from the release's custom resources. Strimzi: the topics, the
 * SCRAM users and their ACLs exactly as rendered, on the local broker's
 * SCRAM listeners, plus the Secrets it writes (each user's password, the
 * cluster CA). ECK: the HTTP certificate and `elastic` user Secrets, and an
 * authorizing TLS proxy in front of the local Elasticsearch whose users and
 * roles are the rendered `auth.fileRealm` and `auth.roles` Secrets.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Client } from '@elastic/elasticsearch';
import {
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  ResourcePatternTypes,
  type AclEntry,
  type Admin,
} from 'kafkajs';
import {
  addScramUsers,
  issueTestCertificate,
  secureKafkaEndpoints,
  type TestCertificate,
} from '@meetup/test-support';
import {
  parseRolesYaml,
  startEsSecurityProxy,
  type EsSecurityProxy,
  type ProxyUser,
  type RoleDescriptor,
} from '../../../../tools/es-security-proxy/src';
import type { ClusterNetwork } from './cluster-network';
import type { AclModel, ReleaseModel, TopicModel } from './release-model';

const password = () => randomBytes(18).toString('base64url');

/** The local broker has one node: replicas and min.insync.replicas above one cannot be placed. */
export const LOCAL_BROKERS = 1;

export interface StrimziResult {
  /** The topics as created (replication capped to the local broker count). */
  topics: TopicModel[];
  principals: string[];
}

export async function playStrimzi(
  model: ReleaseModel,
  admin: Admin,
  network: ClusterNetwork,
): Promise<StrimziResult> {
  const kafka = model.kafka;
  if (!kafka) return { topics: [], principals: [] };
  if (kafka.authorization !== 'simple')
    throw new Error(
      `Kafka ${kafka.cluster}: authorization ${kafka.authorization}; the local broker plays only 'simple'`,
    );
  const endpoints = secureKafkaEndpoints();
  for (const listener of kafka.listeners) {
    if (listener.authentication !== 'scram-sha-512')
      throw new Error(
        `Kafka listener ${listener.name}: authentication ${listener.authentication ?? 'none'}; the local broker plays only scram-sha-512`,
      );
    network.route(
      `${kafka.cluster}-kafka-bootstrap`,
      listener.port,
      listener.tls ? endpoints.saslSsl : endpoints.saslPlaintext,
    );
  }
  model.secrets.set(`${kafka.cluster}-cluster-ca-cert`, {
    'ca.crt': readFileSync(endpoints.caFile, 'utf8'),
  });

  const topics = model.topics.map((t) => ({
    ...t,
    replicas: Math.min(t.replicas, LOCAL_BROKERS),
    config: capMinInsync(t.config),
  }));
  await admin.createTopics({
    waitForLeaders: true,
    topics: topics.map((t) => ({
      topic: t.name,
      numPartitions: t.partitions,
      replicationFactor: t.replicas,
      configEntries: Object.entries(t.config).map(([name, value]) => ({ name, value })),
    })),
  });

  const users = model.users.map((u) => ({ name: u.name, password: password() }));
  await addScramUsers(users);
  for (const user of users) {
    model.secrets.set(user.name, {
      password: user.password,
      'sasl.jaas.config': `org.apache.kafka.common.security.scram.ScramLoginModule required username="${user.name}" password="${user.password}";`,
    });
  }
  const acls = model.users.flatMap((u) =>
    u.acls.flatMap((acl) => aclEntries(`User:${u.name}`, acl)),
  );
  if (acls.length > 0) await admin.createAcls({ acl: acls });
  return { topics, principals: model.users.map((u) => `User:${u.name}`) };
}

function capMinInsync(config: Record<string, string>): Record<string, string> {
  const out = { ...config };
  if (out['min.insync.replicas'] !== undefined)
    out['min.insync.replicas'] = String(
      Math.min(Number(out['min.insync.replicas']), LOCAL_BROKERS),
    );
  return out;
}

const RESOURCE_TYPES: Record<AclModel['resourceType'], AclResourceTypes> = {
  topic: AclResourceTypes.TOPIC,
  group: AclResourceTypes.GROUP,
  cluster: AclResourceTypes.CLUSTER,
  transactionalId: AclResourceTypes.TRANSACTIONAL_ID,
};

const OPERATIONS: Record<string, AclOperationTypes> = {
  All: AclOperationTypes.ALL,
  Read: AclOperationTypes.READ,
  Write: AclOperationTypes.WRITE,
  Create: AclOperationTypes.CREATE,
  Delete: AclOperationTypes.DELETE,
  Alter: AclOperationTypes.ALTER,
  Describe: AclOperationTypes.DESCRIBE,
  ClusterAction: AclOperationTypes.CLUSTER_ACTION,
  DescribeConfigs: AclOperationTypes.DESCRIBE_CONFIGS,
  AlterConfigs: AclOperationTypes.ALTER_CONFIGS,
  IdempotentWrite: AclOperationTypes.IDEMPOTENT_WRITE,
};

/** A Strimzi `simple` ACL rule as the Kafka ACL bindings the User Operator creates. */
export function aclEntries(principal: string, acl: AclModel): AclEntry[] {
  return acl.operations.map((operation) => {
    const operationType = OPERATIONS[operation];
    if (operationType === undefined) throw new Error(`unknown ACL operation ${operation}`);
    return {
      resourceType: RESOURCE_TYPES[acl.resourceType],
      resourceName: acl.resourceType === 'cluster' ? 'kafka-cluster' : acl.name,
      resourcePatternType:
        acl.patternType === 'prefix' ? ResourcePatternTypes.PREFIXED : ResourcePatternTypes.LITERAL,
      principal,
      host: acl.host,
      operation: operationType,
      permissionType: acl.type === 'deny' ? AclPermissionTypes.DENY : AclPermissionTypes.ALLOW,
    };
  });
}

export interface EckResult {
  proxy: EsSecurityProxy;
  users: ProxyUser[];
  roles: Record<string, RoleDescriptor>;
  certificate: TestCertificate;
  /** Undoes the cluster settings applied from the node set's config. */
  restore(): Promise<void>;
}

export async function playEck(
  model: ReleaseModel,
  upstreamUrl: string,
  es: Client,
  network: ClusterNetwork,
): Promise<EckResult | undefined> {
  const cluster = model.elasticsearch;
  if (!cluster) return undefined;
  const certificate = issueTestCertificate([
    `${cluster.name}-es-http`,
    `${cluster.name}-es-http.${network.namespace}.svc`,
  ]);
  model.secrets.set(`${cluster.name}-es-http-certs-public`, {
    'ca.crt': certificate.ca,
    'tls.crt': certificate.cert,
  });
  if (model.kibana) {
    const kibanaCertificate = issueTestCertificate([`${model.kibana.name}-kb-http`]);
    model.secrets.set(`${model.kibana.name}-kb-http-certs-public`, {
      'ca.crt': kibanaCertificate.ca,
      'tls.crt': kibanaCertificate.cert,
    });
  }
  const elastic = password();
  model.secrets.set(`${cluster.name}-es-elastic-user`, { elastic });

  const roles: Record<string, RoleDescriptor> = {};
  for (const name of cluster.roleSecrets) {
    const text = model.secrets.get(name)?.['roles.yml'];
    if (text === undefined) throw new Error(`auth.roles Secret ${name} has no roles.yml`);
    Object.assign(roles, parseRolesYaml(text));
  }
  const users: ProxyUser[] = [{ username: 'elastic', password: elastic, roles: ['superuser'] }];
  for (const name of cluster.fileRealmSecrets) {
    const secret = model.secrets.get(name);
    if (!secret?.username || !secret.password)
      throw new Error(`auth.fileRealm Secret ${name} needs username and password keys`);
    users.push({
      username: secret.username,
      password: secret.password,
      roles: (secret.roles ?? '')
        .split(',')
        .map((r) => r.trim())
        .filter(Boolean),
    });
  }
  for (const user of users) {
    const unknown = user.roles.filter((r) => r !== 'superuser' && !(r in roles));
    if (unknown.length > 0)
      throw new Error(
        `Elasticsearch user ${user.username} has roles no auth.roles Secret defines: ${unknown.join(', ')}`,
      );
  }
  const proxy = await startEsSecurityProxy({
    upstream: upstreamUrl,
    tls: { key: certificate.key, cert: certificate.cert },
    users,
    roles,
  });
  network.route(`${cluster.name}-es-http`, 9200, `127.0.0.1:${proxy.port}`);

  // A dynamic setting: applied to the shared node for this release's run, then reset.
  const setting = cluster.config['action.auto_create_index'];
  const autoCreate =
    typeof setting === 'string' || typeof setting === 'boolean' ? String(setting) : undefined;
  if (autoCreate !== undefined)
    await es.cluster.putSettings({ transient: { 'action.auto_create_index': autoCreate } });
  return {
    proxy,
    users,
    roles,
    certificate,
    restore: async () => {
      if (autoCreate !== undefined)
        await es.cluster.putSettings({ transient: { 'action.auto_create_index': null } });
    },
  };
}
