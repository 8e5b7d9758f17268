import { Module, type DynamicModule } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import type { Logger, Registry } from '@meetup/observability';
import { HealthController } from './health.controller';
import { METRICS_REGISTRY, MetricsController } from './metrics.controller';
import { READINESS_CHECKS, type ReadinessCheck } from './readiness-check';

export interface ServiceRuntimeOptions {
  logger: Logger;
  registry: Registry;
  readiness: readonly ReadinessCheck[];
}

/** Health (`/health/live`, `/health/ready`), metrics (`/metrics`) and JSON logging for a service. */
@Module({})
export class ServiceRuntimeModule {
  /** Injection token of the service's pino logger. */
  static readonly LOGGER = Symbol('LOGGER');

  static forRoot(options: ServiceRuntimeOptions): DynamicModule {
    return {
      module: ServiceRuntimeModule,
      global: true,
      imports: [
        // Not one error line per failed probe (every few seconds while a service waits):
        // the service logs what it waits for or what fails itself, at most every 30 s.
        TerminusModule.forRoot({ errorLogStyle: 'json', logger: false }),
        LoggerModule.forRoot({
          // Request logs would drown the pipeline's own logs in probe and scrape noise.
          pinoHttp: { logger: options.logger, autoLogging: false, quietReqLogger: true },
        }),
      ],
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: READINESS_CHECKS, useValue: options.readiness },
        { provide: METRICS_REGISTRY, useValue: options.registry },
        { provide: ServiceRuntimeModule.LOGGER, useValue: options.logger },
      ],
      exports: [METRICS_REGISTRY, ServiceRuntimeModule.LOGGER],
    };
  }
}
