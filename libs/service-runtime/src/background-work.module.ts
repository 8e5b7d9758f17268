import {
  Inject,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';

/** Work a service does besides answering HTTP: consume a topic, serve a stream, read sources. */
export interface BackgroundWork {
  /** Starts the work once the application is up; rejects to abort start-up. */
  start(): Promise<void>;
  /** Stops it on shutdown: finish or hand back what is in flight, flush, close. */
  stop(): Promise<void>;
}

const BACKGROUND_WORK = Symbol('BACKGROUND_WORK');

class BackgroundWorkLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@Inject(BACKGROUND_WORK) private readonly work: BackgroundWork) {}

  onApplicationBootstrap(): Promise<void> {
    return this.work.start();
  }

  onApplicationShutdown(): Promise<void> {
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
