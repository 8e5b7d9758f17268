import {
  Inject,
  Module,
  type DynamicModule,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { Logger } from '@meetup/observability';

/** Work a service does besides answering HTTP: consume a topic, serve a stream, read sources. */
export interface BackgroundWork {
  /** Starts the work once the application is up; rejects to abort start-up. */
  start(): Promise<void>;
  /** Stops it on shutdown: finish or hand back what is in flight, flush, close. */
  stop(): Promise<void>;
}

const BACKGROUND_WORK = Symbol('BACKGROUND_WORK');

/**
 * Stops the work before any shutdown step closes a client (`onShutdown`, run in
 * `onApplicationShutdown`): the work uses the clients, so it ends first — Nest runs the
 * root module's shutdown hooks before those of the modules it imports.
 */
class BackgroundWorkLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(@Inject(BACKGROUND_WORK) private readonly work: BackgroundWork) {}

  onApplicationBootstrap(): Promise<void> {
    return this.work.start();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.work.stop();
  }
}

/** Ties a service's background work to the Nest application's lifecycle. */
@Module({})
export class BackgroundWorkModule {
  static forRoot(work: BackgroundWork): DynamicModule {
    return {
      module: BackgroundWorkModule,
      providers: [{ provide: BACKGROUND_WORK, useValue: work }, BackgroundWorkLifecycle],
    };
  }
}

/**
 * Runs the part of a service's start that waits (for topics, indices) without
 * holding up the application: health answers meanwhile. What cannot be waited
 * out (a bug) ends the process with one fatal line instead of a silent stall.
 */
export function startInBackground(logger: Logger, task: () => Promise<void>): Promise<void> {
  return task().catch((error: unknown) => {
    logger.fatal({ err: error }, 'service failed to start its work');
    process.exit(1);
  });
}
