import {
  Inject,
  Module,
  type DynamicModule,
  type INestApplication,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { HttpConfig, TelemetryConfig } from '@meetup/config';
import {
  createLogger,
  createMetricsRegistry,
  routeProcessWarnings,
  startTracing,
  type Logger,
  type Registry,
  type Tracing,
} from '@meetup/observability';
import type { ReadinessCheck } from './readiness-check';
import { runHttpService } from './run-http-service';
import { ServiceRuntimeModule } from './service-runtime.module';

/** What every service gets before its own wiring starts. */
export interface ServiceContext {
  logger: Logger;
  registry: Registry;
  tracing: Tracing;
  /** Registers clean-up run on shutdown, last registered first (LIFO). */
  onShutdown: (close: () => Promise<void>) => void;
}

export interface ServiceParts {
  /** The service's own Nest modules. */
  imports: DynamicModule[];
  readiness: ReadinessCheck[];
  /** Adjusts the Nest application before it listens (e.g. serves an OpenAPI document). */
  configure?: (app: INestApplication) => Promise<void> | void;
}

export interface BootServiceOptions {
  http: HttpConfig;
  telemetry: TelemetryConfig;
  /** Creates clients and the service's modules; runs after telemetry is up. */
  wire(context: ServiceContext): Promise<ServiceParts> | ServiceParts;
}

const SHUTDOWN_STEPS = Symbol('SHUTDOWN_STEPS');

class ShutdownRunner implements OnApplicationShutdown {
  constructor(
    @Inject(SHUTDOWN_STEPS) private readonly steps: (() => Promise<void>)[],
    @Inject(ServiceRuntimeModule.LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    for (const step of [...this.steps].reverse()) {
      await step().catch((error: unknown) => {
        this.logger.error({ err: error }, 'shutdown step failed');
      });
    }
  }
}

@Module({})
class ServiceRootModule {}

/** Logger, tracing, metrics, health and HTTP for a service, then its own modules. */
export async function bootService(options: BootServiceOptions): Promise<ServiceContext> {
  const logger = createLogger({
    serviceName: options.telemetry.serviceName,
    level: options.telemetry.logLevel,
  });
  routeProcessWarnings(logger);
  const tracing = startTracing(options.telemetry);
  const registry = createMetricsRegistry(options.telemetry.serviceName);
  const steps: (() => Promise<void>)[] = [() => tracing.shutdown()];
  const context: ServiceContext = {
    logger,
    registry,
    tracing,
    onShutdown: (close) => {
      steps.push(close);
    },
  };
  const parts = await options.wire(context);
  const root: DynamicModule = {
    module: ServiceRootModule,
    imports: [
      ServiceRuntimeModule.forRoot({ logger, registry, readiness: parts.readiness }),
      ...parts.imports,
    ],
    providers: [{ provide: SHUTDOWN_STEPS, useValue: steps }, ShutdownRunner],
  };
  await runHttpService({ module: root, http: options.http, logger, configure: parts.configure });
  return context;
}
