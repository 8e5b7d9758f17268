import { readFileSync } from 'node:fs';
import {
  Kafka,
  logLevel,
  Partitioners,
  type KafkaConfig as KafkaJsConfig,
  type logCreator,
  type Producer,
  type ProducerConfig,
} from 'kafkajs';
import type { KafkaConfig } from '@meetup/config';
import { TLS_VERIFICATION_FAILURE, type Logger } from '@meetup/observability';
import { fixKafkaRequestQueue } from './request-queue-fix';

export interface KafkaClientOptions {
  config: KafkaConfig;
  logger: Logger;
  /** Overrides of kafkajs settings (timeouts, retry) for special uses such as tests. */
  overrides?: Partial<KafkaJsConfig>;
}

/**
 * kafkajs with the project's producer default: records are spread by kafkajs's
 * `DefaultPartitioner`, the Java client's murmur2 of the key, which kafkajs 2 already uses when
 * none is named (it then warns on every producer it creates that its default changed in 2.0).
 * Naming it keeps every key on the partition it has always gone to, so the per-key order the
 * aggregator's exactness rests on holds across an upgrade, and keeps Java tools that write
 * keyed records in agreement; `LegacyPartitioner` (kafkajs 1's) would move keys. A producer
 * may still name another.
 */
class ProjectKafka extends Kafka {
  override producer(config?: ProducerConfig): Producer {
    return super.producer({
      ...config,
      createPartitioner: config?.createPartitioner ?? Partitioners.DefaultPartitioner,
    });
  }
}

/** A kafkajs client configured from the validated configuration, logging through pino. */
export function createKafkaClient({ config, logger, overrides }: KafkaClientOptions): Kafka {
  fixKafkaRequestQueue();
  const ssl = config.ssl
    ? config.caFile
      ? { ca: [readFileSync(config.caFile, 'utf8')] }
      : true
    : undefined;
  return new ProjectKafka({
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
