import { sparklinePath } from '../src/web-logic/sparkline';
import { svg } from './dom';

const WIDTH = 72;
const HEIGHT = 18;

/** A topic's recent windows as a small inline SVG line (coloured by CSS, no inline style). */
export function sparkline(values: readonly number[], label: string): SVGSVGElement {
  const title = svg('title');
  title.textContent = label;
  return svg(
    'svg',
    {
      class: 'sparkline',
      viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
      width: WIDTH,
      height: HEIGHT,
      role: 'img',
      'aria-label': label,
    },
    title,
    svg('path', { d: sparklinePath(values, WIDTH, HEIGHT) }),
  );
}
