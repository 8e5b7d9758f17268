import type { CountryFigures, ResponsesView, TimeRange } from '@meetup/console-views';
import { names } from 'virtual:world-map';
import { formatCount, formatHourMinute } from '../src/web-logic/format';
import { isTimeRange } from '../src/web-logic/live-params';
import { byRole, byTestId, el, setStatus, setText } from './dom';
import { RsvpSeriesChart } from './rsvp-series-chart';
import type { ChartTheme } from './theme';
import { WorldMapChart } from './world-map-chart';

export interface ResponsesPanelOptions {
  onRange: (range: TimeRange) => void;
  /** A country chosen on the map or in the table; undefined when the choice is cleared. */
  onCountry: (country: string | undefined) => void;
}

/** Dashboard 1: the map, the figures, the table of countries and the responses per bucket. */
export class ResponsesPanel {
  private readonly map: WorldMapChart;
  private readonly series: RsvpSeriesChart;
  private readonly tableBody: HTMLTableSectionElement;

  constructor(
    private readonly root: HTMLElement,
    theme: ChartTheme,
    options: ResponsesPanelOptions,
  ) {
    this.map = new WorldMapChart(byTestId(root, 'map'), theme, options.onCountry);
    this.series = new RsvpSeriesChart(byRole(root, 'series'), theme);
    this.tableBody = byTestId(root, 'country-table', HTMLTableElement).tBodies[0] ?? el('tbody');
    this.tableBody.addEventListener('click', (event) => {
      const row = (event.target as Element).closest<HTMLElement>('tr[data-country]');
      if (row?.dataset.country) options.onCountry(row.dataset.country);
    });
    for (const button of root.querySelectorAll<HTMLButtonElement>('button[data-range]')) {
      button.addEventListener('click', () => {
        const range = button.dataset.range;
        if (isTimeRange(range)) options.onRange(range);
      });
    }
    byTestId(root, 'clear-country').addEventListener('click', () => {
      options.onCountry(undefined);
    });
  }

  showRange(range: TimeRange): void {
    for (const button of this.root.querySelectorAll<HTMLButtonElement>('button[data-range]')) {
      button.setAttribute('aria-pressed', String(button.dataset.range === range));
    }
  }

  showCountry(country: string | undefined): void {
    setText(byTestId(this.root, 'selected-country'), country ?? '');
    setText(
      byRole(this.root, 'selected-name'),
      country === undefined
        ? 'none — click the map or the table'
        : (names[country] ?? country.toUpperCase()),
    );
    byTestId(this.root, 'clear-country', HTMLButtonElement).disabled = country === undefined;
    for (const row of this.tableBody.rows) {
      row.setAttribute('aria-selected', String(row.dataset.country === country));
    }
    this.map.select(country);
  }

  render(view: ResponsesView, selected: string | undefined): void {
    setStatus(byRole(this.root, 'status'), view.to === undefined ? 'waiting for data' : undefined);
    const { yes, no, attendees } = view.totals;
    // A plain integer: tests and scripts read this figure.
    setText(byTestId(this.root, 'responses-total'), String(yes + no));
    setText(byRole(this.root, 'yes'), formatCount(yes));
    setText(byRole(this.root, 'no'), formatCount(no));
    setText(byRole(this.root, 'attendees'), formatCount(attendees));
    setText(
      byRole(this.root, 'window'),
      view.from === undefined || view.to === undefined
        ? '—'
        : `${formatHourMinute(view.from)} – ${formatHourMinute(view.to)}`,
    );
    this.tableBody.replaceChildren(...view.countries.map((c) => countryRow(c, selected)));
    this.map.update(view.countries);
    this.series.update(view);
  }

  applyTheme(theme: ChartTheme): void {
    this.map.applyTheme(theme);
    this.series.applyTheme(theme);
  }
}

function countryRow(c: CountryFigures, selected: string | undefined): HTMLTableRowElement {
  const name = c.name || (names[c.country] ?? c.country.toUpperCase());
  return el(
    'tr',
    {
      data: { country: c.country },
      attrs: { 'aria-selected': String(c.country === selected) },
      title: `Show what trends in ${name}`,
    },
    el('th', { attrs: { scope: 'row' } }, name, el('span', { class: 'code', text: c.country })),
    el('td', { class: 'num', text: String(c.yes + c.no) }),
    el('td', { class: 'num', text: formatCount(c.yes) }),
    el('td', { class: 'num', text: formatCount(c.no) }),
  );
}
