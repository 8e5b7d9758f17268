import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ENGINES_SCRIPT = resolve(__dirname, '../../../tools/engines/engines.sh');

type EngineCommand = 'kafka-stop' | 'kafka-start' | 'es-stop' | 'es-start';

/**
 * Runs `engines.sh <args>` on the test run's instance (named by TEST_ENGINES_NAME and its
 * ports, as `make test` started it).
 */
export async function runOnTestEngines(args: string[]): Promise<void> {
  const name = process.env.TEST_ENGINES_NAME;
  if (!name) {
    throw new Error('TEST_ENGINES_NAME is not set: run under `make test-integration`');
  }
  await run(ENGINES_SCRIPT, args, {
    env: {
      ...process.env,
      ENGINES_NAME: name,
      KAFKA_PORT: process.env.TEST_KAFKA_PORT ?? '',
      ES_PORT: process.env.TEST_ES_PORT ?? '',
      ES_TRANSPORT_PORT: process.env.TEST_ES_TRANSPORT_PORT ?? '',
    },
  });
}

/**
 * Stops or starts one of the test run's engines, for tests of outages
 * ("the broker is down for 20 s").
 */
export function controlEngine(command: EngineCommand): Promise<void> {
  return runOnTestEngines([command]);
}
