import type { TrendingList, TrendingTopic, TrendingView } from '@meetup/console-views';
import { names } from 'virtual:world-map';
import { formatClock, formatCount, formatDecimal } from '../src/web-logic/format';
import { byRole, byTestId, el, setStatus, setText } from './dom';
import { sparkline } from './sparkline-svg';

const HEADINGS: [label: string, numeric: boolean, title?: string][] = [
  ['#', true],
  ['Topic', false],
  ['Count', true, 'Responses in the newest window'],
  ['Baseline', true, 'Mean count of the earlier windows'],
  ['Ratio', true, 'Count over baseline mean'],
  ['Score', true, 'How far above its baseline the count is'],
  ['Recent', false, 'Count in each recent window, oldest first'],
];

/** Dashboard 2: what trends worldwide and in the chosen country, and why. */
export class TrendingPanel {
  private readonly global: HTMLTableElement;
  private readonly country: HTMLTableElement;

  constructor(private readonly root: HTMLElement) {
    this.global = byTestId(root, 'trending-global', HTMLTableElement);
    this.country = byTestId(root, 'trending-country', HTMLTableElement);
    for (const table of [this.global, this.country]) {
      table.tHead?.replaceChildren(
        el(
          'tr',
          {},
          ...HEADINGS.map(([label, numeric, title]) =>
            el('th', { text: label, class: numeric ? 'num' : '', attrs: { scope: 'col' }, title }),
          ),
        ),
      );
    }
  }

  render(view: TrendingView, selected: string | undefined): void {
    setText(
      byRole(this.root, 'window'),
      view.global.windowEnd === undefined
        ? '—'
        : `window ending ${formatClock(view.global.windowEnd)}${view.global.final ? '' : ' (still counting)'}`,
    );
    this.list(this.global, byRole(this.root, 'global-status'), view.global);

    const title = byRole(this.root, 'country-title');
    const status = byRole(this.root, 'country-status');
    if (selected === undefined) {
      setText(title, 'In a country');
      setStatus(status, 'Click a country on the map to see what trends there.');
      this.fill(this.country, []);
      return;
    }
    const name = names[selected] ?? selected.toUpperCase();
    setText(title, `In ${view.country?.code === selected ? view.country.name || name : name}`);
    // Until the stream answers for a new choice, the last view still holds the old country.
    const list = view.country?.code === selected ? view.country : undefined;
    this.list(this.country, status, list);
  }

  private list(table: HTMLTableElement, status: HTMLElement, list: TrendingList | undefined): void {
    if (list?.windowEnd === undefined) {
      setStatus(status, 'waiting for data');
      this.fill(table, []);
    } else {
      setStatus(status, list.topics.length === 0 ? 'nothing trends right now' : undefined);
      this.fill(
        table,
        [...list.topics].sort((a, b) => a.rank - b.rank),
      );
    }
  }

  private fill(table: HTMLTableElement, topics: TrendingTopic[]): void {
    table.hidden = topics.length === 0;
    table.tBodies[0]?.replaceChildren(...topics.map(topicRow));
  }
}

function topicRow(t: TrendingTopic): HTMLTableRowElement {
  const baseline = `mean ${formatDecimal(t.baselineMean)}, standard deviation ${formatDecimal(t.baselineStddev)}`;
  return el(
    'tr',
    { data: { topic: t.urlkey } },
    el('td', { class: 'num muted', text: t.rank }),
    el('th', { attrs: { scope: 'row' }, text: t.name || t.urlkey }),
    el('td', { class: 'num', text: formatCount(t.count) }),
    el('td', { class: 'num', text: formatDecimal(t.baselineMean), title: baseline }),
    el('td', { class: 'num', text: `×${formatDecimal(t.ratio)}` }),
    el('td', { class: 'num', text: formatDecimal(t.score) }),
    el('td', {}, sparkline(t.spark, `${t.name}: ${t.spark.join(', ')}`)),
  );
}
