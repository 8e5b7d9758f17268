import { Module, type DynamicModule } from '@nestjs/common';
import type { Client } from '@elastic/elasticsearch';
import type { BatchConfig } from './config/batch.config';

export const BATCH_CONFIG = Symbol('BATCH_CONFIG');
export const ELASTICSEARCH = Symbol('ELASTICSEARCH');

export interface BatchDeps {
  config: BatchConfig;
  elasticsearch: Client;
}

/** Per-group and per-event statistics computed inside Elasticsearch. */
@Module({})
export class BatchModule {
  static forRoot(deps: BatchDeps): DynamicModule {
    return {
      module: BatchModule,
      providers: [
        { provide: BATCH_CONFIG, useValue: deps.config },
        { provide: ELASTICSEARCH, useValue: deps.elasticsearch },
      ],
    };
  }
}
