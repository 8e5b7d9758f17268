import { NestFactory } from '@nestjs/core';
import type { DynamicModule, INestApplication, NestApplicationOptions } from '@nestjs/common';
import type { Server } from 'node:http';
import { Logger as NestPinoLogger } from 'nestjs-pino';
import type { HttpConfig } from '@meetup/config';
import type { Logger } from '@meetup/observability';
import { closeConnectionsWhenStopping } from './closing-connections';

export interface RunHttpServiceOptions {
  module: DynamicModule;
  http: HttpConfig;
  logger: Logger;
  /** Runs before the application listens. */
  configure?: (app: INestApplication) => Promise<void> | void;
}

/**
 * Creates the Nest application and serves HTTP. On SIGTERM/SIGINT it stops
 * accepting requests (ending each open connection after its current response),
 * runs the modules' shutdown hooks (flush producers,
 * close clients) and exits 0, or 1 when a hook failed. (Nest's own
 * `enableShutdownHooks` re-raises the signal, which ends the process with
 * no exit status.)
 */
export async function runHttpService(options: RunHttpServiceOptions): Promise<INestApplication> {
  const appOptions: NestApplicationOptions = { bufferLogs: true };
  const app = await NestFactory.create(options.module, appOptions);
  app.useLogger(app.get(NestPinoLogger));
  await options.configure?.(app);
  await app.listen(options.http.port, options.http.host);
  const server = app.getHttpServer() as Server;
  const address = server.address() as { port: number } | null;
  options.logger.info({ host: options.http.host, port: address?.port }, 'service listening');
  const stopping = closeConnectionsWhenStopping(server);
  const stop = (signal: NodeJS.Signals) => {
    options.logger.info({ signal }, 'service stopping');
    stopping();
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        options.logger.error({ err: error }, 'service stopped with errors');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  return app;
}
