import pino from 'pino';
import { ConfigError } from '@meetup/config';

/**
 * Runs a service's start-up. Anything that fails before the service is up,
 * a bad configuration above all, ends the process with status 1 and one JSON
 * line on stderr that names the problem (and, for config, the variable).
 */
export function runMain(serviceName: string, start: () => Promise<unknown>): void {
  start().catch((error: unknown) => {
    const logger = pino(
      { base: { service: serviceName }, formatters: { level: (label) => ({ level: label }) } },
      pino.destination(2),
    );
    if (error instanceof ConfigError) {
      logger.fatal({ problems: error.problems }, error.message);
    } else {
      logger.fatal({ err: error }, 'service failed to start');
    }
    logger.flush();
    process.exitCode = 1;
    setImmediate(() => process.exit(1));
  });
}
