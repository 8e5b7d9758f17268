import { NestFactory } from '@nestjs/core';
import type { DynamicModule, INestApplication, NestApplicationOptions } from '@nestjs/common';
import type { Server } from 'node:http';
import { Logger as NestPinoLogger } from 'nestjs-pino';
import type { HttpConfig } from '@meetup/config';
import type { Logger } from '@meetup/observability';

export interface RunHttpServiceOptions {
  module: DynamicModule;
  http: HttpConfig;
  logger: Logger;
}

/**
 * Creates the Nest application and serves HTTP. On SIGTERM/SIGINT Nest runs
 * the modules' shutdown hooks (flush producers, close clients) and exits.
 */
export async function runHttpService(options: RunHttpServiceOptions): Promise<INestApplication> {
  const appOptions: NestApplicationOptions = { bufferLogs: true };
  const app = await NestFactory.create(options.module, appOptions);
  app.useLogger(app.get(NestPinoLogger));
  app.enableShutdownHooks();
  await app.listen(options.http.port, options.http.host);
  const address = (app.getHttpServer() as Server).address() as { port: number } | null;
  options.logger.info({ host: options.http.host, port: address?.port }, 'service listening');
  return app;
}
