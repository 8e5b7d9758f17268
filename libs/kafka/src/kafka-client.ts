import { readFileSync } from 'node:fs';
import { Kafka, logLevel, type KafkaConfig as KafkaJsConfig, type logCreator } from 'kafkajs';
import type { KafkaConfig } from '@meetup/config';
import type { Logger } from '@meetup/observability';

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

function pinoLogCreator(logger: Logger): logCreator {
  return () =>
    ({ level, log }) => {
      const { message, ...fields } = log;
      switch (level) {
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
