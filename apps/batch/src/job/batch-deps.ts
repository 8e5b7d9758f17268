import type { Client } from '@elastic/elasticsearch';
import type { Logger, Registry } from '@meetup/observability';
import type { BatchConfig } from '../config/batch.config';

export const BATCH_DEPS = Symbol('BATCH_DEPS');

export interface BatchDeps {
  config: BatchConfig;
  elasticsearch: Client;
  logger: Logger;
  registry: Registry;
  /** stdout is a terminal: show a progress bar instead of progress log lines. */
  interactive: boolean;
}
