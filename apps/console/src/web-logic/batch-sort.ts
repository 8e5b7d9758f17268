import type { BatchSortKey } from '@meetup/console-views';

type Figures = Record<BatchSortKey, number>;

/** Column labels of the sortable figures, in the order the tables show them. */
export const SORT_LABELS: Record<BatchSortKey, string> = {
  responses: 'Responses',
  yes: 'Yes',
  no: 'No',
  attendees: 'Attendees',
};

/** Whether a string names a column the tables sort by. */
export function isSortKey(value: string | undefined): value is BatchSortKey {
  return value !== undefined && Object.hasOwn(SORT_LABELS, value);
}

/**
 * The rows to show for a sort key, biggest first. The server already sends the top rows per
 * key in order; sorting again keeps the table right if a list ever comes unsorted, and breaks
 * ties by id so that equal rows do not swap places between updates.
 */
export function sortedRows<R extends Figures>(
  rows: readonly R[],
  key: BatchSortKey,
  idOf: (row: R) => string,
): R[] {
  return [...rows].sort((a, b) => b[key] - a[key] || idOf(a).localeCompare(idOf(b)));
}

/** The sortable columns in table order. */
export const SORT_KEYS = Object.keys(SORT_LABELS) as BatchSortKey[];
