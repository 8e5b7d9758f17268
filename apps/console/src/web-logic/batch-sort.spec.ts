import { isSortKey, sortedRows } from './batch-sort';

const row = (id: string, responses: number, yes: number, no = 0, attendees = 0) => ({
  id,
  responses,
  yes,
  no,
  attendees,
});

describe('sorting the batch tables', () => {
  it('shows the biggest figure of the chosen column first', () => {
    const rows = [row('a', 5, 1), row('b', 9, 0), row('c', 7, 7)];
    expect(sortedRows(rows, 'responses', (r) => r.id).map((r) => r.id)).toEqual(['b', 'c', 'a']);
    expect(sortedRows(rows, 'yes', (r) => r.id).map((r) => r.id)).toEqual(['c', 'a', 'b']);
  });

  it('breaks ties by id so equal rows keep their places between updates', () => {
    const rows = [row('z', 3, 1), row('m', 3, 1), row('a', 3, 1)];
    expect(sortedRows(rows, 'responses', (r) => r.id).map((r) => r.id)).toEqual(['a', 'm', 'z']);
  });

  it('leaves the list it was given alone', () => {
    const rows = [row('a', 1, 1), row('b', 2, 2)];
    sortedRows(rows, 'responses', (r) => r.id);
    expect(rows.map((r) => r.id)).toEqual(['a', 'b']);
  });

  it('accepts only the four sortable columns', () => {
    expect(['responses', 'yes', 'no', 'attendees'].every(isSortKey)).toBe(true);
    expect(isSortKey('group_name')).toBe(false);
    expect(isSortKey('constructor')).toBe(false);
    expect(isSortKey(undefined)).toBe(false);
  });
});
