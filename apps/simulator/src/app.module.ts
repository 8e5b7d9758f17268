import { Module, type DynamicModule } from '@nestjs/common';
import type { SimulatorConfig } from './config/simulator.config';

export const SIMULATOR_CONFIG = Symbol('SIMULATOR_CONFIG');

/** The Meetup-compatible stream server. */
@Module({})
export class SimulatorModule {
  static forRoot(config: SimulatorConfig): DynamicModule {
    return {
      module: SimulatorModule,
      providers: [{ provide: SIMULATOR_CONFIG, useValue: config }],
    };
  }
}
