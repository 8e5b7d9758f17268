/**
 * The SVG path of a sparkline: one point per value, oldest on the left, the largest value at the
 * top and zero at the bottom (counts only), inside a `width` × `height` box with `pad` to spare.
 */
export function sparklinePath(
  values: readonly number[],
  width: number,
  height: number,
  pad = 1.5,
): string {
  if (values.length === 0) return '';
  const max = Math.max(...values, 0);
  const innerHeight = height - 2 * pad;
  const y = (v: number): number =>
    max === 0 ? height - pad : height - pad - (Math.max(0, v) / max) * innerHeight;
  // A single value still draws as a line across the box.
  const points = values.length === 1 ? [values[0] ?? 0, values[0] ?? 0] : values;
  const step = (width - 2 * pad) / (points.length - 1);
  return points
    .map((v, i) => `${i === 0 ? 'M' : 'L'}${round(pad + i * step)},${round(y(v))}`)
    .join('');
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
