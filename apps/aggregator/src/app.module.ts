import {
  Inject,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { AggregatorRuntime, type AggregatorRuntimeDeps } from './aggregator-runtime';

const RUNTIME = Symbol('AGGREGATOR_RUNTIME');

class AggregatorLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@Inject(RUNTIME) private readonly runtime: AggregatorRuntime) {}

  onApplicationBootstrap(): Promise<void> {
    return this.runtime.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.runtime.stop();
  }
}

/** Consumes `meetup.rsvps` into the raw index and the real-time aggregates. */
@Module({})
export class AggregatorModule {
  static forRoot(deps: AggregatorRuntimeDeps): DynamicModule {
    return {
      module: AggregatorModule,
      providers: [{ provide: RUNTIME, useValue: new AggregatorRuntime(deps) }, AggregatorLifecycle],
    };
  }
}
