import { existsSync, readFileSync } from 'node:fs';
import { Kafka, KafkaJSSASLAuthenticationError, logLevel } from 'kafkajs';
import { runOnTestEngines } from './engine-control';

/**
 * The listeners a KAFKA_SECURE=1 test instance adds beside PLAINTEXT, the way Strimzi
 * runs the chart's cluster: SCRAM-SHA-512 on both, ACLs enforced (tools/engines).
 */
export interface SecureKafkaEndpoints {
  /** `host:port` of the SASL_PLAINTEXT listener (Strimzi's `plain` listener). */
  saslPlaintext: string;
  /** `host:port` of the SASL_SSL listener (Strimzi's `tls` listener). */
  saslSsl: string;
  /** PEM file of the CA that signed the broker's certificate. */
  caFile: string;
  /** The broker's log of ACL denials (see {@link authorizerDenials}). */
  authorizerLog: string;
}

export interface ScramUser {
  name: string;
  password: string;
}

/** One line of the authorizer log: a principal refused an operation on a resource. */
export interface AuthorizerDenial {
  /** e.g. `User:alice` */
  principal: string;
  /** Kafka's operation name, upper case: `WRITE`, `READ`, `DESCRIBE`, ... */
  operation: string;
  /** `<type>:<pattern type>:<name>`, e.g. `Topic:LITERAL:rsvps`, `Group:LITERAL:aggregator` */
  resource: string;
  /** The Kafka request that asked, e.g. `Produce`, `Metadata`, `FindCoordinator`. */
  request: string;
  line: string;
}

const ENDPOINT_VARIABLES = {
  saslPlaintext: 'TEST_KAFKA_SASL_BROKERS',
  saslSsl: 'TEST_KAFKA_SASL_SSL_BROKERS',
  caFile: 'TEST_KAFKA_CA_FILE',
  authorizerLog: 'TEST_KAFKA_AUTHORIZER_LOG',
} as const satisfies Record<keyof SecureKafkaEndpoints, string>;

// Written by Kafka's StandardAuthorizer on logger kafka.authorizer.logger, e.g.
// [..] INFO Principal = User:bob is Denied operation = WRITE from host = 127.0.0.1 on resource =
// Topic:LITERAL:rsvps for request = Produce with resourceRefCount = 1 based on rule DefaultDeny (..)
const DENIAL =
  / Principal = (.+?) is Denied operation = (\S+) from host = \S+ on resource = (\S+) for request = (\S+) /;

const AUTHENTICATION_WAIT_MS = 10_000;

/** Addresses of the secure listeners; throws unless the run started Kafka with KAFKA_SECURE=1. */
export function secureKafkaEndpoints(): SecureKafkaEndpoints {
  const missing = Object.values(ENDPOINT_VARIABLES).filter((name) => !process.env[name]);
  if (missing.length > 0) {
    throw new Error(
      `${missing.join(', ')} not set: tests of the secure Kafka listeners need the engines ` +
        'started with KAFKA_SECURE=1, as `make test-integration` does (tools/run-with-engines.sh)',
    );
  }
  const value = (name: string): string => process.env[name] ?? '';
  return {
    saslPlaintext: value(ENDPOINT_VARIABLES.saslPlaintext),
    saslSsl: value(ENDPOINT_VARIABLES.saslSsl),
    caFile: value(ENDPOINT_VARIABLES.caFile),
    authorizerLog: value(ENDPOINT_VARIABLES.authorizerLog),
  };
}

/**
 * Creates or updates SCRAM-SHA-512 users on the test run's broker (what Strimzi's User
 * Operator does for a KafkaUser), through `engines.sh kafka-scram-users`, and resolves once
 * every one of them can log in. Several users in one call share the JVM start-ups.
 */
export async function addScramUsers(users: ScramUser[]): Promise<void> {
  if (users.length === 0) return;
  const args = ['kafka-scram-users', ...users.map((user) => `${user.name}=${user.password}`)];
  try {
    await runOnTestEngines(args);
  } catch (error) {
    // The child-process error repeats the command line, passwords included: keep only what
    // engines.sh printed (never a password) and leave that error out as the cause.
    const { code, stderr } = error as { code?: number | string; stderr?: string };
    if (stderr === undefined) throw error;
    throw new Error(`engines.sh kafka-scram-users failed (exit ${code}):\n${stderr}`);
  }
  await Promise.all(users.map((user) => waitUntilAuthenticates(user)));
}

/**
 * The ACL denials the broker has logged so far, oldest first; only those of the given
 * principals when some are given (`User:alice`, or just `alice`).
 */
export function authorizerDenials(principals?: string[]): AuthorizerDenial[] {
  const file = secureKafkaEndpoints().authorizerLog;
  // Log4j creates the file with the first denial.
  if (!existsSync(file)) return [];
  const wanted = principals?.map((p) => (p.includes(':') ? p : `User:${p}`));
  const denials: AuthorizerDenial[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const match = DENIAL.exec(line);
    if (!match) continue;
    const [, principal = '', operation = '', resource = '', request = ''] = match;
    if (wanted && !wanted.includes(principal)) continue;
    denials.push({ principal, operation, resource, request, line });
  }
  return denials;
}

// The broker applies a new credential when its metadata catches up with the controller,
// a moment after the admin request returned: log in until it works.
async function waitUntilAuthenticates(user: ScramUser): Promise<void> {
  const kafka = new Kafka({
    clientId: 'test-support-scram-check',
    brokers: [secureKafkaEndpoints().saslPlaintext],
    sasl: { mechanism: 'scram-sha-512', username: user.name, password: user.password },
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  });
  const deadline = Date.now() + AUTHENTICATION_WAIT_MS;
  for (;;) {
    const admin = kafka.admin();
    try {
      await admin.connect();
      return;
    } catch (error) {
      if (!(error instanceof KafkaJSSASLAuthenticationError) || Date.now() > deadline) {
        throw new Error(`SCRAM user ${user.name} cannot log in to the broker`, { cause: error });
      }
    } finally {
      await admin.disconnect();
    }
    await new Promise((resolveDelay) => setTimeout(resolveDelay, 100));
  }
}
