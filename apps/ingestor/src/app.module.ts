import { Module, type DynamicModule } from '@nestjs/common';
import { BackgroundWorkModule } from '@meetup/service-runtime';
import type { Ingestor } from './ingestor.runtime';

/** Reads Meetup-compatible streams and publishes valid RSVPs to Kafka. */
@Module({})
export class IngestorModule {
  static forRoot(deps: { ingestor: Ingestor }): DynamicModule {
    return { module: IngestorModule, imports: [BackgroundWorkModule.forRoot(deps.ingestor)] };
  }
}
