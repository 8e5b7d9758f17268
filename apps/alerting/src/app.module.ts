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
import type { AlertingEngine } from './alerting.engine';
import { AlertsService, ALERT_STATE_STORE } from './alerts/alerts.service';
import { AlertsController } from './api/alerts.controller';
import { API_TOKEN, BearerAuthGuard } from './api/bearer-auth.guard';
import { RULE_RUNNER, RulesController } from './api/rules.controller';
import type { RuleFileSync } from './rules/rule-file-sync';
import { RULE_STORE, RulesService, URL_GUARD } from './rules/rules.service';

const ENGINE = Symbol('ALERTING_ENGINE');
const STARTUP = Symbol('ALERTING_STARTUP');

interface AlertingStartup {
  /** Indices, then the rule files stored. */
  prerequisites: PrerequisiteWaiter;
  ruleFiles: RuleFileSync | undefined;
  logger: Logger;
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
    @Inject(ENGINE) private readonly engine: AlertingEngine,
    @Inject(STARTUP) private readonly startup: AlertingStartup,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.startup.ruleFiles?.load();
    this.starting = startInBackground(this.startup.logger, async () => {
      const met = await this.startup.prerequisites.waitUntilMet({ signal: this.halt.signal });
      if (met) this.engine.scheduler.start();
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.halt.abort();
    await this.starting;
    await this.engine.scheduler.stop();
  }
}

export interface AlertingModuleDeps extends AlertingStartup {
  engine: AlertingEngine;
  apiToken: string;
}

/** Watcher-style rules over Elasticsearch that notify webhooks. */
@Module({})
export class AlertingModule {
  static forRoot(deps: AlertingModuleDeps): DynamicModule {
    const { engine, prerequisites, ruleFiles, logger } = deps;
    return {
      module: AlertingModule,
      controllers: [RulesController, AlertsController],
      providers: [
        { provide: ENGINE, useValue: engine },
        { provide: STARTUP, useValue: { prerequisites, ruleFiles, logger } },
        { provide: API_TOKEN, useValue: deps.apiToken },
        { provide: RULE_STORE, useValue: engine.rules },
        { provide: URL_GUARD, useValue: engine.guard },
        { provide: ALERT_STATE_STORE, useValue: engine.states },
        { provide: RULE_RUNNER, useValue: engine.runner },
        BearerAuthGuard,
        RulesService,
        AlertsService,
        AlertingLifecycle,
      ],
    };
  }
}
