import { Module, type DynamicModule } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import type { IngestorConfig } from './config/ingestor.config';

export const INGESTOR_CONFIG = Symbol('INGESTOR_CONFIG');
export const KAFKA = Symbol('KAFKA');

export interface IngestorDeps {
  config: IngestorConfig;
  kafka: Kafka;
}

/** Reads Meetup-compatible streams and publishes valid RSVPs to Kafka. */
@Module({})
export class IngestorModule {
  static forRoot(deps: IngestorDeps): DynamicModule {
    return {
      module: IngestorModule,
      providers: [
        { provide: INGESTOR_CONFIG, useValue: deps.config },
        { provide: KAFKA, useValue: deps.kafka },
      ],
    };
  }
}
