/**
 * Colour-blind-safe colours: Okabe–Ito for categories, viridis for quantities.
 * Both stay distinguishable under the common colour-vision deficiencies.
 */

export type Scheme = 'light' | 'dark';

/** Okabe & Ito (2008), "Color Universal Design". */
export const OKABE_ITO = {
  orange: '#E69F00',
  skyBlue: '#56B4E9',
  bluishGreen: '#009E73',
  yellow: '#F0E442',
  blue: '#0072B2',
  vermillion: '#D55E00',
  reddishPurple: '#CC79A7',
} as const;

/** Viridis sampled at ten even steps, darkest first. */
export const VIRIDIS = [
  '#440154',
  '#482878',
  '#3E4989',
  '#31688E',
  '#26828E',
  '#1F9E89',
  '#35B779',
  '#6ECE58',
  '#B5DE2B',
  '#FDE725',
] as const;

/**
 * The map's ramp from fewest to most responses: on a light page more is darker, on a dark
 * page more is brighter, so the busiest countries always stand out from the background.
 */
export function quantityRamp(scheme: Scheme): string[] {
  return scheme === 'dark' ? [...VIRIDIS] : [...VIRIDIS].reverse();
}

/** Yes and no responses: blue against orange, never red against green. */
export function answerColours(scheme: Scheme): { yes: string; no: string } {
  return scheme === 'dark'
    ? { yes: OKABE_ITO.skyBlue, no: OKABE_ITO.orange }
    : { yes: OKABE_ITO.blue, no: OKABE_ITO.vermillion };
}

/**
 * Where a count sits on the map's colour scale. Responses per country span orders of magnitude
 * (one country often has most of them), so the scale is logarithmic: 0 → 0, 9 → 1, 99 → 2.
 */
export function quantityScale(count: number): number {
  return Math.log10(1 + Math.max(0, count));
}

/** The count a point of the scale stands for, rounded for a legend: the inverse of `quantityScale`. */
export function quantityAt(scaled: number): number {
  return Math.round(10 ** scaled - 1);
}
