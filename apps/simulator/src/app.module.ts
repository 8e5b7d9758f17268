import {
  Inject,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Simulator } from './simulator.service';

export const SIMULATOR = Symbol('SIMULATOR');

class SimulatorLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@Inject(SIMULATOR) private readonly simulator: Simulator) {}

  onApplicationBootstrap(): Promise<void> {
    return this.simulator.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.simulator.stop();
  }
}

/** The Meetup-compatible stream server. */
@Module({})
export class SimulatorModule {
  static forRoot(deps: { simulator: Simulator }): DynamicModule {
    return {
      module: SimulatorModule,
      providers: [{ provide: SIMULATOR, useValue: deps.simulator }, SimulatorLifecycle],
    };
  }
}
