import {
  Injectable,
  Module,
  type BeforeApplicationShutdown,
  type DynamicModule,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { Logger } from '@meetup/observability';
import { startInBackground, type PrerequisiteWaiter } from '@meetup/service-runtime';
import { AlertsService } from './alerts/alerts.service';
import { AlertingRuntime } from './alerting.runtime';
import { AlertsController } from './api/alerts.controller';
import { ApiToken, BearerAuthGuard } from './api/bearer-auth.guard';
import { RulesController } from './api/rules.controller';
import { RuleRunner } from './engine/rule-runner';
import type { RuleFileSync } from './rules/rule-file-sync';
import { RulesService } from './rules/rules.service';
import { AlertStateStore } from './store/alert-state-store';
import { RuleStore } from './store/rule-store';
import { UrlGuard } from '@meetup/webhook-delivery';

/** What the start waits for: the indices, then the rule files stored. */
export class AlertingStartup {
  constructor(
    readonly prerequisites: PrerequisiteWaiter,
    readonly ruleFiles: RuleFileSync | undefined,
    readonly logger: Logger,
  ) {}
}

/**
 * Reads the rules directory (a bad file stops the start), then, in the
 * background, waits for the indices, stores the file rules and schedules;
 * on shutdown stops and lets its leases go.
 */
@Injectable()
class AlertingLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly halt = new AbortController();
  private starting: Promise<void> = Promise.resolve();

  constructor(
    private readonly runtime: AlertingRuntime,
    private readonly startup: AlertingStartup,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.startup.ruleFiles?.load();
    this.starting = startInBackground(this.startup.logger, async () => {
      const met = await this.startup.prerequisites.waitUntilMet({ signal: this.halt.signal });
      if (met) this.runtime.scheduler.start();
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.halt.abort();
    await this.starting;
    await this.runtime.scheduler.stop();
  }
}

/** Watcher-style rules over Elasticsearch that notify webhooks. */
@Module({})
export class AlertingModule {
  static forRoot(
    runtime: AlertingRuntime,
    startup: AlertingStartup,
    apiToken: string,
  ): DynamicModule {
    // Classes are their own injection tokens: each part is handed out as built by the runtime.
    return {
      module: AlertingModule,
      controllers: [RulesController, AlertsController],
      providers: [
        { provide: AlertingRuntime, useValue: runtime },
        { provide: AlertingStartup, useValue: startup },
        { provide: ApiToken, useValue: new ApiToken(apiToken) },
        { provide: RuleStore, useValue: runtime.rules },
        { provide: UrlGuard, useValue: runtime.guard },
        { provide: AlertStateStore, useValue: runtime.states },
        { provide: RuleRunner, useValue: runtime.runner },
        BearerAuthGuard,
        RulesService,
        AlertsService,
        AlertingLifecycle,
      ],
    };
  }
}
