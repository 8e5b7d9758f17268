import {
  Inject,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Ingestor } from './ingestor.service';

export const INGESTOR = Symbol('INGESTOR');

class IngestorLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@Inject(INGESTOR) private readonly ingestor: Ingestor) {}

  onApplicationBootstrap(): Promise<void> {
    return this.ingestor.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.ingestor.stop();
  }
}

/** Reads Meetup-compatible streams and publishes valid RSVPs to Kafka. */
@Module({})
export class IngestorModule {
  static forRoot(deps: { ingestor: Ingestor }): DynamicModule {
    return {
      module: IngestorModule,
      providers: [{ provide: INGESTOR, useValue: deps.ingestor }, IngestorLifecycle],
    };
  }
}
