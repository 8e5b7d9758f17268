import type { BatchSortKey } from '@meetup/console-views';
import { formatCount } from '../src/web-logic/format';
import { isSortKey, SORT_KEYS, SORT_LABELS, sortedRows } from '../src/web-logic/batch-sort';
import { el, type Child } from './dom';

type Figures = Record<BatchSortKey, number>;

export interface BatchTableOptions<R extends Figures> {
  idOf: (row: R) => string;
  /** The leading, descriptive column: its heading and its cell. */
  label: string;
  describe: (row: R) => Child[];
  /** Further figures, shown after the sortable ones, not sortable. */
  extra?: { label: string; value: (row: R) => number }[];
}

/**
 * A table of the batch job's top rows, sorted by the column whose heading was clicked. The
 * server sends the top rows for each sortable column, so a click picks another list.
 */
export class BatchTable<R extends Figures> {
  private key: BatchSortKey = 'responses';
  private lists: Record<BatchSortKey, readonly R[]> | undefined;

  constructor(
    private readonly table: HTMLTableElement,
    private readonly options: BatchTableOptions<R>,
  ) {
    table.tHead?.addEventListener('click', (event) => {
      const sort = (event.target as Element).closest<HTMLElement>('[data-sort]')?.dataset.sort;
      if (isSortKey(sort)) {
        this.key = sort;
        this.draw();
      }
    });
    this.draw();
  }

  /** Rows in the table now, for the panel's status line. */
  get size(): number {
    return this.lists?.[this.key].length ?? 0;
  }

  update(lists: Record<BatchSortKey, readonly R[]>): void {
    this.lists = lists;
    this.draw();
  }

  private draw(): void {
    this.table.tHead?.replaceChildren(this.headings());
    const { idOf } = this.options;
    const rows = sortedRows(this.lists?.[this.key] ?? [], this.key, idOf);
    this.table.tBodies[0]?.replaceChildren(...rows.map((row) => this.row(row)));
  }

  private headings(): HTMLTableRowElement {
    const sortable = SORT_KEYS.map((key) =>
      el(
        'th',
        {
          class: 'num',
          attrs: { scope: 'col', 'aria-sort': key === this.key ? 'descending' : 'none' },
        },
        el(
          'button',
          {
            class: 'sort',
            data: { sort: key },
            attrs: { type: 'button', 'aria-pressed': String(key === this.key) },
            title: `Top rows by ${SORT_LABELS[key].toLowerCase()}`,
          },
          SORT_LABELS[key],
          el('span', {
            class: 'sort-mark',
            text: key === this.key ? '▼' : '',
            attrs: { 'aria-hidden': 'true' },
          }),
        ),
      ),
    );
    const extra = (this.options.extra ?? []).map((c) =>
      el('th', { class: 'num', text: c.label, attrs: { scope: 'col' } }),
    );
    return el(
      'tr',
      {},
      el('th', { text: this.options.label, attrs: { scope: 'col' } }),
      ...sortable,
      ...extra,
    );
  }

  private row(row: R): HTMLTableRowElement {
    const { idOf, describe, extra = [] } = this.options;
    return el(
      'tr',
      { data: { id: idOf(row) } },
      el('th', { attrs: { scope: 'row' } }, ...describe(row)),
      ...SORT_KEYS.map((key) =>
        el('td', { class: key === this.key ? 'num sorted' : 'num', text: formatCount(row[key]) }),
      ),
      ...extra.map((c) => el('td', { class: 'num', text: formatCount(c.value(row)) })),
    );
  }
}
