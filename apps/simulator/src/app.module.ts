import { Module, type DynamicModule } from '@nestjs/common';
import { BackgroundWorkModule } from '@meetup/service-runtime';
import type { Simulator } from './simulator.runtime';

/** The Meetup-compatible stream server. */
@Module({})
export class SimulatorModule {
  static forRoot(deps: { simulator: Simulator }): DynamicModule {
    return { module: SimulatorModule, imports: [BackgroundWorkModule.forRoot(deps.simulator)] };
  }
}
