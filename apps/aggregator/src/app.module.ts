import { Module, type DynamicModule } from '@nestjs/common';
import type { Client } from '@elastic/elasticsearch';
import type { Kafka } from 'kafkajs';
import type { AggregatorConfig } from './config/aggregator.config';

export const AGGREGATOR_CONFIG = Symbol('AGGREGATOR_CONFIG');
export const KAFKA = Symbol('KAFKA');
export const ELASTICSEARCH = Symbol('ELASTICSEARCH');

export interface AggregatorDeps {
  config: AggregatorConfig;
  kafka: Kafka;
  elasticsearch: Client;
}

/** Consumes `meetup.rsvps` into the raw index and the real-time aggregates. */
@Module({})
export class AggregatorModule {
  static forRoot(deps: AggregatorDeps): DynamicModule {
    return {
      module: AggregatorModule,
      providers: [
        { provide: AGGREGATOR_CONFIG, useValue: deps.config },
        { provide: KAFKA, useValue: deps.kafka },
        { provide: ELASTICSEARCH, useValue: deps.elasticsearch },
      ],
    };
  }
}
