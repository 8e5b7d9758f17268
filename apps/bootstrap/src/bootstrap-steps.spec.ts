import { Client, errors } from '@elastic/elasticsearch';
import { KafkaJSProtocolError } from 'kafkajs';
import { createLogger, DependencyFailureError } from '@meetup/observability';
import { applyIndices, indicesRefused, topicSpecs, topicsRefused } from './bootstrap-steps';
import { loadBootstrapConfig } from './config/bootstrap.config';

const layout = loadBootstrapConfig({
  ES_URL: 'http://127.0.0.1:9200',
  TOPIC_REPLICATION_FACTOR: '3',
}).layout;
const identity = { brokers: ['kafka-0:9093', 'kafka-1:9093'], principal: 'meetup-bootstrap' };
const esContext = {
  url: 'https://elastic:secret@meetup-es-http:9200',
  username: 'meetup-bootstrap',
};

function protocolError(type: string, code: number, message: string): Error {
  return new KafkaJSProtocolError(
    Object.assign(new Error(message), { type, code, retriable: false }),
  );
}

function esAnswer(statusCode: number, body: unknown): errors.ResponseError {
  return new errors.ResponseError({
    body,
    statusCode,
    headers: {},
    warnings: null,
    meta: {} as never,
  });
}

describe('topicsRefused', () => {
  it('names TOPIC_REPLICATION_FACTOR and every topic when the brokers are fewer than the factor', () => {
    const cause = protocolError('INVALID_REPLICATION_FACTOR', 38, 'Replication-factor is invalid');
    const refused = topicsRefused(cause, topicSpecs(layout), identity);
    expect(refused).toBeInstanceOf(DependencyFailureError);
    expect(refused.cause).toBe(cause);
    expect(refused.failure).toMatchObject({
      kind: 'other',
      fields: {
        operation: 'create topics',
        topics: ['meetup.rsvps', 'meetup.rsvps.dlq', 'meetup.ingestor.checkpoints'],
        variables: ['TOPIC_REPLICATION_FACTOR'],
      },
    });
    expect(refused.message).toBe(refused.failure.reason);
  });

  it('names the principal when the cluster denies creating topics', () => {
    const cause = protocolError('CLUSTER_AUTHORIZATION_FAILED', 31, 'Cluster authorization failed');
    const refused = topicsRefused(cause, topicSpecs(layout), identity);
    expect(refused.failure).toMatchObject({
      kind: 'authorization',
      fields: { principal: 'User:meetup-bootstrap', errorType: 'CLUSTER_AUTHORIZATION_FAILED' },
    });
    expect(refused.message).toContain('create topics');
  });
});

describe('indicesRefused', () => {
  it('gives the reason Elasticsearch states for a denied index creation, without the URL’s password', () => {
    const reason =
      'action [indices:admin/index_template/put] is unauthorized for user [meetup-bootstrap]';
    const cause = esAnswer(403, { error: { type: 'security_exception', reason }, status: 403 });
    const refused = indicesRefused(cause, esContext);
    expect(refused.cause).toBe(cause);
    expect(refused.failure).toMatchObject({
      dependency: 'elasticsearch',
      kind: 'authorization',
      fields: { operation: 'create indices', user: 'meetup-bootstrap', statusCode: 403 },
    });
    expect(refused.message).toContain(reason);
    expect(JSON.stringify(refused.failure)).not.toContain('secret');
  });
});

describe('applyIndices', () => {
  it('fails with what to fix when Elasticsearch does not answer', async () => {
    // A real client on a port nothing listens on: the connection is refused at once.
    const es = new Client({ node: 'http://127.0.0.1:1', maxRetries: 0, requestTimeout: 2_000 });
    const logger = createLogger({ serviceName: 'bootstrap', level: 'silent' });
    try {
      const failed: unknown = await applyIndices(es, layout, { url: 'http://127.0.0.1:1' }, logger)
        .then(() => undefined)
        .catch((error: unknown) => error);
      expect(failed).toBeInstanceOf(DependencyFailureError);
      expect((failed as DependencyFailureError).failure).toMatchObject({
        kind: 'unavailable',
        fields: { operation: 'create indices', url: 'http://127.0.0.1:1' },
      });
    } finally {
      await es.close();
    }
  });
});
