import { Module, type DynamicModule } from '@nestjs/common';
import { BackgroundWorkModule } from '@meetup/service-runtime';
import type { AggregatorRuntime } from './aggregator.runtime';

/** Consumes `meetup.rsvps` into the raw index and the real-time aggregates. */
@Module({})
export class AggregatorModule {
  static forRoot(runtime: AggregatorRuntime): DynamicModule {
    return {
      module: AggregatorModule,
      imports: [BackgroundWorkModule.forRoot(runtime)],
    };
  }
}
