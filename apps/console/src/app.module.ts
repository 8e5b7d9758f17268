import {
  Inject,
  Injectable,
  Module,
  type BeforeApplicationShutdown,
  type DynamicModule,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { Logger } from '@meetup/observability';
import { startInBackground, type PrerequisiteWaiter } from '@meetup/service-runtime';
import { ConsoleMetrics } from './console.metrics';
import { LiveFeed } from './feed/live-feed';
import { LiveController } from './live/live.controller';
import { LiveHub } from './live/live-hub';

export interface ConsoleModuleDeps {
  feed: LiveFeed;
  hub: LiveHub;
  metrics: ConsoleMetrics;
  prerequisites: PrerequisiteWaiter;
  logger: Logger;
}

class ConsoleStartup {
  constructor(
    readonly prerequisites: PrerequisiteWaiter,
    readonly logger: Logger,
  ) {}
}

/**
 * Starts the query loop once the indices exist (health answers meanwhile). On shutdown it
 * ends the pages' streams first — the HTTP server waits for open connections to close — then
 * stops the loop, so the Elasticsearch client closes after its last read.
 */
@Injectable()
class ConsoleLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly halt = new AbortController();
  private starting: Promise<void> = Promise.resolve();

  constructor(
    @Inject(LiveFeed) private readonly feed: LiveFeed,
    @Inject(LiveHub) private readonly hub: LiveHub,
    @Inject(ConsoleStartup) private readonly startup: ConsoleStartup,
  ) {}

  onApplicationBootstrap(): void {
    this.starting = startInBackground(this.startup.logger, async () => {
      const met = await this.startup.prerequisites.waitUntilMet({ signal: this.halt.signal });
      if (met) this.feed.start();
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.halt.abort();
    await this.starting;
    this.hub.close();
    await this.feed.stop();
  }
}

/** The live console: the page's channel, fed by one query loop. */
@Module({})
export class ConsoleModule {
  static forRoot(deps: ConsoleModuleDeps): DynamicModule {
    return {
      module: ConsoleModule,
      controllers: [LiveController],
      providers: [
        { provide: LiveFeed, useValue: deps.feed },
        { provide: LiveHub, useValue: deps.hub },
        { provide: ConsoleMetrics, useValue: deps.metrics },
        { provide: ConsoleStartup, useValue: new ConsoleStartup(deps.prerequisites, deps.logger) },
        ConsoleLifecycle,
      ],
    };
  }
}
