import type { TrendingSettings } from './trending-rows';

/** The settings the trending specs compute with: 1-minute windows sliding by 10 s, 3 baseline windows. */
export const SPEC_SETTINGS: TrendingSettings = {
  windowMs: 60_000,
  slideMs: 10_000,
  minSupport: 5,
  baselineWindows: 3,
  historyStart: 0,
};
