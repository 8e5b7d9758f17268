/**
 * Global setup of the tiers that talk to Kafka: the kafkajs fix of libs/kafka (see
 * kafka-request-queue.setup.ts), then the engines check of libs/test-support. Jest loads this
 * file outside the module registry (no `@meetup/*` mapping), so it imports by path.
 */
import { fixKafkaRequestQueue } from '../../libs/kafka/src/request-queue-fix';
import checkEngines from '../../libs/test-support/src/global-setup';

export default async function globalSetup(): Promise<void> {
  fixKafkaRequestQueue();
  await checkEngines();
}
