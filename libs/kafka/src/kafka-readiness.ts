import type { Admin } from 'kafkajs';

/** Resolves when the cluster answers a metadata request; rejects otherwise. */
export async function checkKafkaReachable(admin: Admin): Promise<{ brokers: number }> {
  const cluster = await admin.describeCluster();
  return { brokers: cluster.brokers.length };
}

/** Readiness check for the service runtime: connects the admin client when needed. */
export function kafkaReadinessCheck(admin: Admin): {
  name: string;
  check: () => Promise<{ brokers: number }>;
} {
  return {
    name: 'kafka',
    check: async () => {
      await admin.connect();
      return checkKafkaReachable(admin);
    },
  };
}
