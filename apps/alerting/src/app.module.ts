import { Module, type DynamicModule } from '@nestjs/common';
import type { Client } from '@elastic/elasticsearch';
import type { AlertingConfig } from './config/alerting.config';

export const ALERTING_CONFIG = Symbol('ALERTING_CONFIG');
export const ELASTICSEARCH = Symbol('ELASTICSEARCH');

export interface AlertingDeps {
  config: AlertingConfig;
  elasticsearch: Client;
}

/** Watcher-style rules over Elasticsearch that notify webhooks. */
@Module({})
export class AlertingModule {
  static forRoot(deps: AlertingDeps): DynamicModule {
    return {
      module: AlertingModule,
      providers: [
        { provide: ALERTING_CONFIG, useValue: deps.config },
        { provide: ELASTICSEARCH, useValue: deps.elasticsearch },
      ],
    };
  }
}
