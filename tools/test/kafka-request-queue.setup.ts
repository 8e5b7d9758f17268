/**
 * Jest setup of the tiers that talk to Kafka: the test process's own kafkajs clients get the
 * same fix as the services' (`fixKafkaRequestQueue`, libs/kafka), so no TimeoutNegativeWarning
 * is printed and no idle connection re-arms a 1 ms timer forever. (libs/test-support cannot
 * import libs/kafka: libs/kafka's tests import libs/test-support.)
 */
import { fixKafkaRequestQueue } from '@meetup/kafka';

fixKafkaRequestQueue();
