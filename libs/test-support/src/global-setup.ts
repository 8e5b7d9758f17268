import { testElasticsearch, testKafka } from './test-engines';

/** Fails the integration run at once, with a useful message, when an engine is not reachable. */
export default async function globalSetup(): Promise<void> {
  const admin = testKafka('integration-global-setup').admin();
  try {
    await admin.connect();
    await admin.describeCluster();
  } catch (error) {
    throw new Error('Kafka for tests is not reachable: start it with `make engines-up`', {
      cause: error,
    });
  } finally {
    await admin.disconnect();
  }
  const es = testElasticsearch();
  try {
    await es.cluster.health({ wait_for_status: 'yellow', timeout: '30s' });
  } catch (error) {
    throw new Error('Elasticsearch for tests is not reachable: start it with `make engines-up`', {
      cause: error,
    });
  } finally {
    await es.close();
  }
}
