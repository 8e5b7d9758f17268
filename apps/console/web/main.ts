/** The live console page: one stream from `/api/live`, one panel per view. */
import type {
  AlertsView,
  BatchView,
  HealthView,
  LiveEventName,
  ResponsesView,
  TrendingView,
} from '@meetup/console-views';
import { liveQuery, parseLiveParams, type LiveParams } from '../src/web-logic/live-params';
import { AlertsPanel } from './alerts-panel';
import { BatchPanels } from './batch-panels';
import { byTestId, setText } from './dom';
import { HealthPanel } from './health-panel';
import { LiveConnection, type ConnectionState } from './live-connection';
import { ResponsesPanel } from './responses-panel';
import { currentTheme, onThemeChange } from './theme';
import { TrendingPanel } from './trending-panel';

declare global {
  interface Window {
    /** When each view was last drawn (epoch ms): browser tests measure the delay with it. */
    __consoleRendered: Partial<Record<LiveEventName, number>>;
  }
}

interface Views {
  responses: ResponsesView;
  trending: TrendingView;
  batch: BatchView;
  alerts: AlertsView;
  health: HealthView;
}

/** Relative times ("5 min ago") are redrawn this often without new data. */
const CLOCK_TICK_MS = 15_000;

class ConsolePage {
  private params: LiveParams = parseLiveParams(window.location.search);
  private readonly views: Partial<Views> = {};
  private readonly responses: ResponsesPanel;
  private readonly trending: TrendingPanel;
  private readonly batch: BatchPanels;
  private readonly alerts: AlertsPanel;
  private readonly health: HealthPanel;
  private readonly connection: LiveConnection;

  constructor(doc: Document) {
    const section = (id: string): HTMLElement => byTestId(doc, id);
    this.responses = new ResponsesPanel(section('dashboard-responses'), currentTheme(), {
      onRange: (range) => {
        this.choose({ ...this.params, range });
      },
      onCountry: (country) => {
        this.choose({ ...this.params, country });
      },
    });
    this.trending = new TrendingPanel(section('dashboard-trending'));
    this.batch = new BatchPanels(section('dashboard-groups'), section('dashboard-events'));
    this.alerts = new AlertsPanel(doc.getElementById('alerts-panel') ?? doc.body);
    this.health = new HealthPanel(doc.getElementById('health-panel') ?? doc.body);
    this.connection = new LiveConnection({
      url: () => `/api/live?${liveQuery(this.params)}`,
      onEvent: (name, data, lastEventId) => {
        this.receive(name, data, lastEventId);
      },
      onState: showConnection,
    });
    onThemeChange((theme) => {
      this.responses.applyTheme(theme);
    });
    window.__consoleRendered = {};
  }

  start(): void {
    this.showChoice();
    this.connection.open();
    setInterval(() => {
      this.redrawClocks();
    }, CLOCK_TICK_MS);
  }

  private choose(params: LiveParams): void {
    if (params.range === this.params.range && params.country === this.params.country) return;
    this.params = params;
    history.replaceState(null, '', `?${liveQuery(params)}`);
    this.showChoice();
    this.connection.open();
  }

  private showChoice(): void {
    this.responses.showRange(this.params.range);
    this.responses.showCountry(this.params.country);
    if (this.views.trending) this.trending.render(this.views.trending, this.params.country);
  }

  private receive(name: LiveEventName, data: unknown, lastEventId: string): void {
    // The server is the one source of these shapes (libs/console-views); they are not re-checked.
    (this.views as Record<LiveEventName, unknown>)[name] = data;
    this.draw(name);
    window.__consoleRendered[name] = Date.now();
    if (lastEventId) document.body.dataset.version = lastEventId;
  }

  private draw(name: LiveEventName): void {
    const { views, params } = this;
    const now = Date.now();
    switch (name) {
      case 'responses':
        if (views.responses) this.responses.render(views.responses, params.country);
        break;
      case 'trending':
        if (views.trending) this.trending.render(views.trending, params.country);
        break;
      case 'batch':
        if (views.batch) this.batch.render(views.batch, now);
        break;
      case 'alerts':
        if (views.alerts) this.alerts.render(views.alerts, now);
        break;
      case 'health':
        if (views.health) this.health.render(views.health, now);
        break;
    }
  }

  private redrawClocks(): void {
    for (const name of ['batch', 'alerts', 'health'] as const) this.draw(name);
  }
}

function showConnection(state: ConnectionState): void {
  const node = byTestId(document, 'connection');
  node.dataset.state = state;
  setText(node, state === 'live' ? 'live' : 'reconnecting…');
}

new ConsolePage(document).start();
