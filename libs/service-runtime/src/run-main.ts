import pino from 'pino';
import { ConfigError } from '@meetup/config';
import { createLogger, DependencyFailureError, routeProcessWarnings } from '@meetup/observability';
import { PrerequisiteTimeoutError } from './prerequisite-waiter';

/**
 * Runs a service's start-up. Anything that fails before the service is up,
 * a bad configuration above all, ends the process with status 1 and one JSON
 * line on stderr that names the problem (and, for config, the variable; for
 * a dependency, what to fix). Process warnings (Node's, the libraries') are JSON lines
 * from the start: through a logger of its own here, through the service's logger once
 * `bootService` has it.
 */
export function runMain(serviceName: string, start: () => Promise<unknown>): void {
  routeProcessWarnings(createLogger({ serviceName, level: 'warn' }));
  start().catch((error: unknown) => {
    const logger = pino(
      { base: { service: serviceName }, formatters: { level: (label) => ({ level: label }) } },
      pino.destination(2),
    );
    if (error instanceof ConfigError) {
      logger.fatal({ problems: error.problems }, error.message);
    } else if (error instanceof PrerequisiteTimeoutError) {
      logger.fatal({ prerequisite: error.prerequisite, ...error.details }, error.message);
    } else if (error instanceof DependencyFailureError) {
      const { failure } = error;
      logger.fatal({ reason: failure.reason, ...failure.fields }, failure.message);
    } else {
      logger.fatal({ err: error }, 'service failed to start');
    }
    logger.flush();
    process.exitCode = 1;
    setImmediate(() => process.exit(1));
  });
}
