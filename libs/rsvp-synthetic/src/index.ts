/**
 * Seeded synthetic Meetup RSVPs whose distributions come from the recorded
 * data in ../shared/data (derived once into `distribution-tables.generated.ts`).
 *
 * ```ts
 * const stream = new SyntheticRsvpStream({ seed: 7, startMtime: Date.UTC(2024, 0, 1), ratePerSecond: 100 });
 * const rsvps = stream.take(10_000);          // deterministic for a seed and options
 * const live = stream.next(Date.now());       // or drive the clock yourself
 * new SyntheticRsvpStream({ bursts: [{ topicUrlkey: 'hiking', factor: 10, from, to }] });
 * new SyntheticRsvpStream({ bursts: [{ city: 'London', country: 'gb', factor: 5, from, to }] });
 * ```
 *
 * Defaults: 9 % unchanged resends + 7 % answer changes (≈16 % repeated
 * rsvp_ids), 15 % of new RSVPs up to 5 s out of order, 0.1 % days-to-weeks old,
 * ~16 % without venue, yes ≈ 76 %, guests mostly 0. rsvp_ids count up from
 * `firstRsvpId`, so a stream never repeats another's ids when given another base.
 */
export {
  SyntheticRsvpStream,
  type BurstOptions,
  type SyntheticRsvpStreamOptions,
} from './synthetic-rsvp-stream';
export { SeededRandom, WeightedPicker } from './seeded-random';
export { recordedDistributionTables } from './table-catalog';
export {
  deriveDistributionTables,
  type DistributionTables,
  type TableGroup,
} from './distribution-tables';
