import type { AlertRow, AlertsView } from '@meetup/console-views';
import { formatAgo, formatDateTime } from '../src/web-logic/format';
import { byRole, byTestId, el, setStatus } from './dom';

/** Alerts as the alerting service keeps them, most recent change first. */
export class AlertsPanel {
  private readonly list: HTMLElement;

  constructor(private readonly root: HTMLElement) {
    this.list = byTestId(root, 'alerts');
  }

  render(view: AlertsView, now: number): void {
    setStatus(byRole(this.root, 'status'), view.alerts.length ? undefined : 'no alerts');
    this.list.replaceChildren(...view.alerts.map((a) => alertRow(a, now)));
  }
}

function alertRow(a: AlertRow, now: number): HTMLLIElement {
  return el(
    'li',
    { class: 'alert', data: { rule: a.ruleId, status: a.status } },
    el('span', { class: `badge badge-${a.status}`, text: a.status }),
    el('span', { class: 'alert-rule', text: a.ruleName || a.ruleId, title: a.ruleId }),
    el('span', { class: 'alert-group muted', text: a.group }),
    el('time', {
      class: 'alert-since muted',
      text: `since ${formatAgo(a.since, now)}`,
      title: formatDateTime(a.since),
      attrs: { datetime: new Date(a.since).toISOString() },
    }),
  );
}
