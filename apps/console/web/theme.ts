import { answerColours, quantityRamp, type Scheme } from '../src/web-logic/palette';

/** The colours the charts need, taken from the page's CSS variables so both follow the scheme. */
export interface ChartTheme {
  scheme: Scheme;
  text: string;
  muted: string;
  grid: string;
  surface: string;
  border: string;
  noData: string;
  highlight: string;
  yes: string;
  no: string;
  ramp: string[];
}

const darkQuery = (): MediaQueryList => window.matchMedia('(prefers-color-scheme: dark)');

export function currentTheme(): ChartTheme {
  const scheme: Scheme = darkQuery().matches ? 'dark' : 'light';
  const css = getComputedStyle(document.documentElement);
  const v = (name: string): string => css.getPropertyValue(name).trim();
  return {
    scheme,
    text: v('--fg'),
    muted: v('--muted'),
    grid: v('--grid'),
    surface: v('--surface'),
    border: v('--map-border'),
    noData: v('--no-data'),
    highlight: v('--highlight'),
    ...answerColours(scheme),
    ramp: quantityRamp(scheme),
  };
}

/** Calls `apply` whenever the system switches between light and dark. */
export function onThemeChange(apply: (theme: ChartTheme) => void): void {
  darkQuery().addEventListener('change', () => {
    apply(currentTheme());
  });
}
