import {
  KafkaJSAggregateError,
  KafkaJSConnectionError,
  KafkaJSGroupCoordinatorNotFound,
  KafkaJSNonRetriableError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSProtocolError,
  KafkaJSSASLAuthenticationError,
} from 'kafkajs';
import {
  describeKafkaFailure,
  KafkaOperationError,
  type KafkaFailureContext,
} from './kafka-failure';

type ErrorClass = new (e: Error | string, metadata?: object) => Error;

/** What the retrier throws when a request fails for good: the cause kept inside. */
function givenUp(cause: Error): Error {
  return new (KafkaJSNonRetriableError as unknown as ErrorClass)(cause, { cause });
}

function protocolError(type: string, code: number, message: string): Error {
  return new KafkaJSProtocolError(
    Object.assign(new Error(message), { type, code, retriable: false }),
  );
}

const context: KafkaFailureContext = {
  operation: 'check topics',
  brokers: ['kafka-0:9093', 'kafka-1:9093'],
  principal: 'meetup-ingestor',
  topics: ['meetup.ingestor.checkpoints'],
};

describe('describing a Kafka failure', () => {
  it('names the SASL variables and the brokers when the credentials are refused', () => {
    const sasl = new (KafkaJSSASLAuthenticationError as unknown as ErrorClass)(
      'SASL SCRAM SHA512 authentication failed: Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512',
    );
    const failure = describeKafkaFailure(givenUp(sasl), context);
    expect(failure).toMatchObject({
      dependency: 'kafka',
      kind: 'authentication',
      message: 'kafka authentication failed',
      fields: {
        variables: ['KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD'],
        brokers: ['kafka-0:9093', 'kafka-1:9093'],
        principal: 'meetup-ingestor',
      },
    });
    expect(failure.reason).toContain('kafka-0:9093,kafka-1:9093');
    expect(failure.reason).toContain('KAFKA_SASL_PASSWORD');
  });

  it('names the operation, the principal and the topic of a topic denial', () => {
    const denied = protocolError(
      'TOPIC_AUTHORIZATION_FAILED',
      29,
      'Not authorized to access topics: [Topic authorization failed]',
    );
    const failure = describeKafkaFailure(givenUp(denied), { ...context, operation: 'produce' });
    expect(failure).toMatchObject({
      kind: 'authorization',
      message: 'kafka authorization denied',
      fields: {
        operation: 'produce',
        principal: 'User:meetup-ingestor',
        topics: ['meetup.ingestor.checkpoints'],
        errorType: 'TOPIC_AUTHORIZATION_FAILED',
      },
    });
    expect(failure.reason).toBe(
      'Kafka denied produce on topic meetup.ingestor.checkpoints to principal User:meetup-ingestor (TOPIC_AUTHORIZATION_FAILED): grant the ACL',
    );
  });

  it('names the consumer group of a group denial', () => {
    const denied = protocolError(
      'GROUP_AUTHORIZATION_FAILED',
      30,
      'Not authorized to access group: Group authorization failed',
    );
    const failure = describeKafkaFailure(denied, {
      ...context,
      operation: 'read checkpoints',
      group: 'ingestor-checkpoint-reader-*',
    });
    expect(failure.kind).toBe('authorization');
    expect(failure.fields).toMatchObject({ group: 'ingestor-checkpoint-reader-*' });
    expect(failure.reason).toContain('consumer group ingestor-checkpoint-reader-*');
  });

  it('reads the coordinator kafkajs could not find for a group as the group ACL missing', () => {
    const hidden = new (KafkaJSGroupCoordinatorNotFound as unknown as ErrorClass)(
      'Failed to find group coordinator',
    );
    const failure = describeKafkaFailure(hidden, {
      ...context,
      operation: 'consume',
      group: 'meetup-aggregator',
    });
    expect(failure).toMatchObject({
      kind: 'authorization',
      fields: { group: 'meetup-aggregator', principal: 'User:meetup-ingestor' },
    });
    expect(failure.reason).toContain('consumer group meetup-aggregator');
  });

  it('calls a cluster denial (creating topics without the right) what it is', () => {
    const denied = protocolError(
      'CLUSTER_AUTHORIZATION_FAILED',
      31,
      'Cluster authorization failed',
    );
    const failure = describeKafkaFailure(denied, { ...context, operation: 'create topics' });
    expect(failure.reason).toContain('Kafka denied create topics on the cluster');
  });

  it('takes the operation and topic from the step that failed when several ran', () => {
    const creation = new KafkaJSAggregateError('Topic creation errors', [
      protocolError('TOPIC_AUTHORIZATION_FAILED', 29, 'Not authorized to access topics'),
    ]);
    const failure = describeKafkaFailure(
      new KafkaOperationError('create topics', ['checkpoints'], { cause: creation }),
      context,
    );
    expect(failure.fields).toMatchObject({ operation: 'create topics', topics: ['checkpoints'] });
  });

  it('names KAFKA_CA_FILE and the broker when its certificate does not verify', () => {
    const tls = new (KafkaJSConnectionError as unknown as ErrorClass)(
      'Connection error: self-signed certificate in certificate chain',
      { broker: 'kafka-0:9093', code: 'SELF_SIGNED_CERT_IN_CHAIN' },
    );
    const failure = describeKafkaFailure(
      new (KafkaJSNumberOfRetriesExceeded as unknown as ErrorClass)(tls, {
        retryCount: 5,
        retryTime: 1000,
      }),
      context,
    );
    expect(failure).toMatchObject({
      kind: 'tls',
      message: 'kafka tls verification failed',
      fields: { broker: 'kafka-0:9093', variables: ['KAFKA_CA_FILE'] },
    });
    expect(failure.reason).toContain('self-signed certificate in certificate chain');
  });

  it('recognises an unverifiable certificate by its message too', () => {
    const tls = new (KafkaJSConnectionError as unknown as ErrorClass)(
      'Connection error: unable to verify the first certificate',
    );
    expect(describeKafkaFailure(tls, context).kind).toBe('tls');
  });

  it('tells brokers that do not answer apart from refusals', () => {
    const refused = new (KafkaJSConnectionError as unknown as ErrorClass)(
      'Connection error: connect ECONNREFUSED 10.0.0.1:9093',
      { broker: '10.0.0.1:9093', code: 'ECONNREFUSED' },
    );
    expect(describeKafkaFailure(givenUp(refused), context)).toMatchObject({
      kind: 'unavailable',
      message: 'kafka unavailable',
    });
  });

  it('names TOPIC_REPLICATION_FACTOR when the cluster has fewer brokers than it asks', () => {
    const invalid = new KafkaJSAggregateError('Topic creation errors', [
      protocolError('INVALID_REPLICATION_FACTOR', 38, 'Replication-factor is invalid'),
    ]);
    const failure = describeKafkaFailure(invalid, { ...context, operation: 'create topics' });
    expect(failure.fields).toMatchObject({ variables: ['TOPIC_REPLICATION_FACTOR'] });
  });

  it('keeps the message of anything else', () => {
    const failure = describeKafkaFailure(new Error('boom'), context);
    expect(failure).toMatchObject({ kind: 'other', reason: 'Kafka check topics failed: boom' });
  });

  it('never repeats a password, even when an error carries the configuration', () => {
    const sasl = Object.assign(
      new (KafkaJSSASLAuthenticationError as unknown as ErrorClass)('authentication failed'),
      { sasl: { username: 'u', password: 's3cret-value' } },
    );
    const failure = describeKafkaFailure(sasl, context);
    expect(JSON.stringify(failure)).not.toContain('s3cret-value');
  });
});
