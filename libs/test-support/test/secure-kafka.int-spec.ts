import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { once } from 'node:events';
import { connect, type TLSSocket } from 'node:tls';
import {
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  Kafka,
  KafkaJSSASLAuthenticationError,
  logLevel,
  ResourcePatternTypes,
  type Admin,
} from 'kafkajs';
import {
  addScramUsers,
  authorizerDenials,
  secureKafkaEndpoints,
  testEngines,
  testKafka,
  uniqueName,
  type ScramUser,
} from '../src';

// The KAFKA_SECURE=1 broker against what Strimzi renders for the chart (`authentication:
// scram-sha-512` on a plain and a TLS listener, `authorization: simple`), with kafkajs as the
// apps use it. Each test owns its user and topic.

type Listener = 'saslPlaintext' | 'saslSsl';

function scramUser(purpose: string): ScramUser {
  return { name: uniqueName(purpose), password: randomBytes(12).toString('hex') };
}

function scramKafka(listener: Listener, user: ScramUser): Kafka {
  const endpoints = secureKafkaEndpoints();
  return new Kafka({
    clientId: 'secure-kafka-test',
    brokers: [endpoints[listener]],
    ssl: listener === 'saslSsl' ? { ca: [readFileSync(endpoints.caFile, 'utf8')] } : false,
    sasl: { mechanism: 'scram-sha-512', username: user.name, password: user.password },
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  });
}

async function produceOne(kafka: Kafka, topic: string): Promise<void> {
  const producer = kafka.producer();
  try {
    await producer.connect();
    await producer.send({ topic, messages: [{ key: 'k', value: 'v' }] });
  } finally {
    await producer.disconnect();
  }
}

// kafkajs throws a protocol error as it is, or wrapped when it gave up on it.
async function kafkaErrorType(action: Promise<unknown>): Promise<string | undefined> {
  const error = (await action.then(
    () => undefined,
    (thrown: unknown) => thrown,
  )) as { type?: string; cause?: { type?: string } } | undefined;
  return error?.type ?? error?.cause?.type;
}

function topicAcl(topic: string, user: ScramUser, operation: AclOperationTypes) {
  return {
    resourceType: AclResourceTypes.TOPIC,
    resourceName: topic,
    resourcePatternType: ResourcePatternTypes.LITERAL,
    principal: `User:${user.name}`,
    host: '*',
    operation,
    permissionType: AclPermissionTypes.ALLOW,
  };
}

describe('Kafka with SCRAM users and ACLs, as Strimzi runs the cluster', () => {
  const admin: Admin = testKafka('secure-kafka-admin').admin();
  const users = {
    tlsWriter: scramUser('tls-writer'),
    plainWriter: scramUser('plain-writer'),
    noAcl: scramUser('no-acl'),
    describeOnly: scramUser('describe-only'),
    rightPassword: scramUser('right-password'),
  };
  const topics = {
    tls: uniqueName('secure-tls'),
    plain: uniqueName('secure-plain'),
    noAcl: uniqueName('secure-no-acl'),
    describeOnly: uniqueName('secure-describe-only'),
  };

  beforeAll(async () => {
    await admin.connect();
    // PLAINTEXT is User:ANONYMOUS, a super user: the harness administers the cluster as the
    // Strimzi operators do.
    await admin.createTopics({
      topics: Object.values(topics).map((topic) => ({ topic, numPartitions: 1 })),
    });
    await admin.createAcls({
      acl: [
        topicAcl(topics.tls, users.tlsWriter, AclOperationTypes.WRITE),
        topicAcl(topics.plain, users.plainWriter, AclOperationTypes.WRITE),
        topicAcl(topics.describeOnly, users.describeOnly, AclOperationTypes.DESCRIBE),
      ],
    });
    await addScramUsers(Object.values(users));
  });
  afterAll(() => admin.disconnect());

  async function recordsIn(topic: string): Promise<number> {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, partition) => sum + Number(partition.high), 0);
  }

  it('serves SASL_SSL with a certificate for 127.0.0.1 that the instance CA verifies', async () => {
    const { saslSsl, caFile } = secureKafkaEndpoints();
    const [host = '', port = ''] = saslSsl.split(':');
    const socket: TLSSocket = connect({ host, port: Number(port), ca: readFileSync(caFile) });
    try {
      await once(socket, 'secureConnect');
      expect(socket.authorized).toBe(true);
      expect(socket.getPeerCertificate().subjectaltname).toContain('IP Address:127.0.0.1');
    } finally {
      socket.destroy();
    }
  });

  it('lets a SCRAM user with a Write ACL produce over SASL_SSL', async () => {
    await produceOne(scramKafka('saslSsl', users.tlsWriter), topics.tls);
    expect(await recordsIn(topics.tls)).toBe(1);
  });

  it('lets a SCRAM user with a Write ACL produce over SASL_PLAINTEXT', async () => {
    await produceOne(scramKafka('saslPlaintext', users.plainWriter), topics.plain);
    expect(await recordsIn(topics.plain)).toBe(1);
  });

  it('refuses a SCRAM user without any ACL on the topic and logs the denied DESCRIBE', async () => {
    const produced = produceOne(scramKafka('saslSsl', users.noAcl), topics.noAcl);
    expect(await kafkaErrorType(produced)).toBe('TOPIC_AUTHORIZATION_FAILED');
    expect(await recordsIn(topics.noAcl)).toBe(0);
    expect(authorizerDenials([`User:${users.noAcl.name}`])).toContainEqual(
      expect.objectContaining({
        principal: `User:${users.noAcl.name}`,
        operation: 'DESCRIBE',
        resource: `Topic:LITERAL:${topics.noAcl}`,
        request: 'Metadata',
      }),
    );
  });

  it('refuses a SCRAM user who may describe but not write the topic and logs the denied WRITE', async () => {
    const produced = produceOne(
      scramKafka('saslPlaintext', users.describeOnly),
      topics.describeOnly,
    );
    expect(await kafkaErrorType(produced)).toBe('TOPIC_AUTHORIZATION_FAILED');
    expect(authorizerDenials([users.describeOnly.name])).toEqual([
      expect.objectContaining({
        principal: `User:${users.describeOnly.name}`,
        operation: 'WRITE',
        resource: `Topic:LITERAL:${topics.describeOnly}`,
        request: 'Produce',
      }),
    ]);
  });

  it.each<Listener>(['saslSsl', 'saslPlaintext'])(
    'rejects a wrong password on %s as a SASL authentication failure',
    async (listener) => {
      const wrong = { ...users.rightPassword, password: `${users.rightPassword.password}-wrong` };
      const refused = scramKafka(listener, wrong).admin();
      const accepted = scramKafka(listener, users.rightPassword).admin();
      try {
        await expect(refused.connect()).rejects.toThrow(KafkaJSSASLAuthenticationError);
        await expect(accepted.connect()).resolves.toBeUndefined();
      } finally {
        await Promise.all([refused.disconnect(), accepted.disconnect()]);
      }
    },
  );

  it('keeps full access on PLAINTEXT, with no ACL at all (User:ANONYMOUS is a super user)', async () => {
    const topic = uniqueName('secure-plaintext');
    // Quiet: the first group of a fresh broker waits for __consumer_offsets, which kafkajs
    // reports as errors before it succeeds.
    const kafka = new Kafka({
      clientId: 'secure-kafka-plaintext',
      brokers: testEngines().kafkaBrokers,
      logLevel: logLevel.NOTHING,
    });
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
    await produceOne(kafka, topic);
    const consumer = kafka.consumer({ groupId: uniqueName('secure-plaintext-group') });
    try {
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      const received = new Promise<string>((resolve) => {
        void consumer.run({
          eachMessage: ({ message }) => {
            resolve(message.value?.toString() ?? '');
            return Promise.resolve();
          },
        });
      });
      expect(await received).toBe('v');
    } finally {
      await consumer.disconnect();
    }
    expect(authorizerDenials(['User:ANONYMOUS'])).toEqual([]);
  });
});
