import { Module, type DynamicModule } from '@nestjs/common';
import { BackgroundWorkModule } from '@meetup/service-runtime';
import { AggregatorRuntime, type AggregatorRuntimeDeps } from './aggregator-runtime';

/** Consumes `meetup.rsvps` into the raw index and the real-time aggregates. */
@Module({})
export class AggregatorModule {
  static forRoot(deps: AggregatorRuntimeDeps): DynamicModule {
    return {
      module: AggregatorModule,
      imports: [BackgroundWorkModule.forRoot(new AggregatorRuntime(deps))],
    };
  }
}
