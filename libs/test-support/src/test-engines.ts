import { Client } from '@elastic/elasticsearch';
import { Kafka, logLevel } from 'kafkajs';

/**
 * Addresses of the engines the test run shares; `make test` starts them and
 * exports these variables (see tools/engines). Tests never start their own.
 */
export function testEngines(): { kafkaBrokers: string[]; elasticsearchUrl: string } {
  const kafka = process.env.TEST_KAFKA_BROKERS;
  const es = process.env.TEST_ES_URL;
  if (!kafka || !es) {
    throw new Error(
      'TEST_KAFKA_BROKERS and TEST_ES_URL are not set: run integration tests with `make test` ' +
        '(or `make engines-up ENGINES_NAME=test` and export them as the Makefile does)',
    );
  }
  return { kafkaBrokers: kafka.split(','), elasticsearchUrl: es };
}

export function testKafka(clientId = 'integration-test'): Kafka {
  return new Kafka({ clientId, brokers: testEngines().kafkaBrokers, logLevel: logLevel.ERROR });
}

export function testElasticsearch(): Client {
  // Client 9 sets no request timeout of its own: a test must fail, not hang, on a stalled engine.
  return new Client({ node: testEngines().elasticsearchUrl, requestTimeout: 60_000 });
}
