/** A date field as Elasticsearch returns its source: epoch ms, or a date string; NaN if neither. */
export function epochMs(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  return Number.NaN;
}
