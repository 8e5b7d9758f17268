import { readFileSync } from 'node:fs';
import { Kafka, logLevel, type KafkaConfig as KafkaJsConfig, type logCreator } from 'kafkajs';
import type { KafkaConfig } from '@meetup/config';
import { TLS_VERIFICATION_FAILURE, type Logger } from '@meetup/observability';

export interface KafkaClientOptions {
  config: KafkaConfig;
  logger: Logger;
  /** Overrides of kafkajs settings (timeouts, retry) for special uses such as tests. */
  overrides?: Partial<KafkaJsConfig>;
}

/** A kafkajs client configured from the validated configuration, logging through pino. */
export function createKafkaClient({ config, logger, overrides }: KafkaClientOptions): Kafka {
  const ssl = config.ssl
    ? config.caFile
      ? { ca: [readFileSync(config.caFile, 'utf8')] }
      : true
    : undefined;
  return new Kafka({
    clientId: config.clientId,
    brokers: config.brokers,
    ssl,
    sasl: config.sasl,
    logLevel: logLevel.WARN,
    logCreator: pinoLogCreator(logger.child({ component: 'kafkajs' })),
    ...overrides,
  });
}

/**
 * kafkajs logs an error at every attempt. Failures this project describes
 * itself (describeKafkaFailure: credentials, permissions, certificates) are
 * logged once, with what to fix, by whoever meets them, and "unknown topic" is
 * how a topic check learns a topic is missing (a wait, logged as such): the
 * copies from kafkajs go to debug level.
 */
const DESCRIBED_ELSEWHERE =
  /SASL|[Aa]uthentication failed|Not authorized to access|[Aa]uthorization failed|This server does not host this topic-partition|Failed to find group coordinator/;

function isDescribedElsewhere(message: string, fields: Record<string, unknown>): boolean {
  const text = `${message} ${typeof fields.error === 'string' ? fields.error : ''}`;
  return DESCRIBED_ELSEWHERE.test(text) || TLS_VERIFICATION_FAILURE.test(text);
}

function pinoLogCreator(logger: Logger): logCreator {
  return () =>
    ({ level, log }) => {
      const { message, ...fields } = log;
      const effective = isDescribedElsewhere(message, fields) ? logLevel.DEBUG : level;
      switch (effective) {
        case logLevel.ERROR:
          logger.error(fields, message);
          break;
        case logLevel.WARN:
          logger.warn(fields, message);
          break;
        case logLevel.INFO:
          logger.info(fields, message);
          break;
        case logLevel.DEBUG:
        case logLevel.NOTHING:
          logger.debug(fields, message);
          break;
      }
    };
}
