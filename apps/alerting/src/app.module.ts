import {
  Inject,
  Injectable,
  Module,
  type BeforeApplicationShutdown,
  type DynamicModule,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { Logger } from '@meetup/observability';
import {
  createAlertingEngine,
  type AlertingEngine,
  type AlertingEngineDeps,
} from './alerting.engine';
import { AlertsService, ALERT_STATE_STORE } from './alerts/alerts.service';
import { AlertsController } from './api/alerts.controller';
import { API_TOKEN, BearerAuthGuard } from './api/bearer-auth.guard';
import { RULE_RUNNER, RulesController } from './api/rules.controller';
import { loadRuleFiles } from './rules/rule-files';
import { RULE_STORE, RulesService, URL_GUARD } from './rules/rules.service';

const ENGINE = Symbol('ALERTING_ENGINE');
const LOGGER = Symbol('ALERTING_LOGGER');
const RULES_DIR = Symbol('RULES_DIR');

/** Loads the rules directory, then schedules; on shutdown stops and lets its leases go. */
@Injectable()
class AlertingLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    @Inject(ENGINE) private readonly engine: AlertingEngine,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(RULES_DIR) private readonly rulesDir: string | undefined,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.rulesDir) await this.syncRuleFiles(this.rulesDir);
    this.engine.scheduler.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.engine.scheduler.stop();
  }

  /** Rules of the directory replace the file rules stored before; API rules are left alone. */
  private async syncRuleFiles(dir: string): Promise<void> {
    const fromFiles = await loadRuleFiles(dir, this.engine.guard);
    const ids = new Set(fromFiles.map((r) => r.id));
    for (const stored of await this.engine.rules.list()) {
      if (stored.origin === 'file' && !ids.has(stored.rule.id)) {
        await this.engine.rules.delete(stored.rule.id);
      }
    }
    for (const rule of fromFiles) {
      const existing = await this.engine.rules.get(rule.id);
      await this.engine.rules.put(rule, 'file', existing?.created_at);
    }
    this.logger.info({ dir, rules: fromFiles.length }, 'rules loaded from files');
  }
}

export interface AlertingModuleDeps extends AlertingEngineDeps {
  apiToken: string;
}

/** Watcher-style rules over Elasticsearch that notify webhooks. */
@Module({})
export class AlertingModule {
  static forRoot(deps: AlertingModuleDeps): DynamicModule {
    const engine = createAlertingEngine(deps);
    return {
      module: AlertingModule,
      controllers: [RulesController, AlertsController],
      providers: [
        { provide: ENGINE, useValue: engine },
        { provide: LOGGER, useValue: deps.logger },
        { provide: RULES_DIR, useValue: deps.settings.rulesDir },
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
