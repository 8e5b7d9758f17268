import type { Admin } from 'kafkajs';
import { DependencyFailureError } from '@meetup/observability';
import { describeKafkaFailure, type KafkaIdentity } from './kafka-failure';

/** Resolves when the cluster answers a metadata request; rejects otherwise. */
export async function checkKafkaReachable(admin: Admin): Promise<{ brokers: number }> {
  const cluster = await admin.describeCluster();
  return { brokers: cluster.brokers.length };
}

/**
 * Readiness check for the service runtime: connects the admin client when
 * needed; a failure says why (credentials, ACL, CA, brokers away), never with a secret.
 */
export function kafkaReadinessCheck(
  admin: Admin,
  identity?: KafkaIdentity,
): {
  name: string;
  check: () => Promise<{ brokers: number }>;
} {
  return {
    name: 'kafka',
    check: async () => {
      try {
        await admin.connect();
        return await checkKafkaReachable(admin);
      } catch (error) {
        const failure = describeKafkaFailure(error, { operation: 'connect', ...identity });
        throw new DependencyFailureError(failure, { cause: error });
      }
    },
  };
}
