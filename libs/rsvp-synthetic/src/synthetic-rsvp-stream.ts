import type { Rsvp } from '@meetup/contracts';
import type { DistributionTables } from './distribution-tables';
import { SeededRandom, WeightedPicker } from './seeded-random';
import { EVENTS_PER_GROUP, TableCatalog, recordedDistributionTables } from './table-catalog';

/** A topic or a city surging: its share of new RSVPs is multiplied by `factor` in [from, to). */
export interface BurstOptions {
  topicUrlkey?: string;
  city?: string;
  /** Two-letter lowercase code; narrows `city` (or stands alone for a whole country). */
  country?: string;
  factor: number;
  /** Start and end (exclusive) of the burst, in mtime epoch ms. */
  from: number;
  to: number;
}

export interface SyntheticRsvpStreamOptions {
  /** Same seed and options, same stream. Default 1. */
  seed?: number;
  /** mtime of the first message (epoch ms). Default 2024-01-01T00:00:00Z. */
  startMtime?: number;
  /** Pace of the virtual clock used by `next()` without `now`: messages per second of mtime. Default 10. */
  ratePerSecond?: number;
  /** Share of messages that resend an earlier state unchanged (same or second-rounded mtime). Default 0.09. */
  resendRatio?: number;
  /** Share of messages that change an earlier answer (yes/no flip or guest count), newer mtime. Default 0.07. */
  changeRatio?: number;
  /** Share of new RSVPs whose mtime lags the clock by up to `outOfOrderMaxMs`. Default 0.15. */
  outOfOrderRatio?: number;
  outOfOrderMaxMs?: number;
  /** Share of new RSVPs whose mtime is days to weeks old. Default 0.001. */
  staleRatio?: number;
  staleMaxMs?: number;
  /** rsvp_id of the first new RSVP; later ones count up from it. Default 1,800,000,000. */
  firstRsvpId?: number;
  bursts?: BurstOptions[];
  /** Distribution tables; default: derived from the recorded data. */
  tables?: DistributionTables;
}

interface ActiveBurst {
  from: number;
  to: number;
  probability: number;
  picker: WeightedPicker;
  groups: number[];
}

const RECENT_STATES = 2_000;
const DEFAULTS = {
  seed: 1,
  startMtime: Date.UTC(2024, 0, 1),
  ratePerSecond: 10,
  resendRatio: 0.09,
  changeRatio: 0.07,
  outOfOrderRatio: 0.15,
  outOfOrderMaxMs: 5_000,
  staleRatio: 0.001,
  staleMaxMs: 21 * 86_400_000,
  firstRsvpId: 1_800_000_000,
};

/**
 * A seeded, endless stream of realistic RSVPs: groups, cities, topics,
 * answers, guests and venues follow the recorded data; resends, answer
 * changes and out-of-order mtimes appear at the real data's rates.
 */
export class SyntheticRsvpStream {
  private readonly options: typeof DEFAULTS;
  private readonly random: SeededRandom;
  private readonly catalog: TableCatalog;
  private readonly groupPicker: WeightedPicker;
  private readonly guestPicker: WeightedPicker;
  private readonly bursts: ActiveBurst[];
  private readonly recent: Rsvp[] = [];
  private nextRsvpId: number;
  private virtualClock: number;
  private generated = 0;

  constructor(options: SyntheticRsvpStreamOptions = {}) {
    const { bursts = [], tables = recordedDistributionTables(), ...rest } = options;
    this.options = { ...DEFAULTS, ...stripUndefined(rest) };
    this.random = new SeededRandom(this.options.seed);
    this.catalog = new TableCatalog(tables);
    this.groupPicker = new WeightedPicker(tables.groups.map((g) => g.weight));
    this.guestPicker = new WeightedPicker(tables.guests.map(([, weight]) => weight));
    this.bursts = bursts.map((burst) => this.activeBurst(burst));
    this.nextRsvpId = this.options.firstRsvpId;
    this.virtualClock = this.options.startMtime;
  }

  /** How many messages were generated so far. */
  get count(): number {
    return this.generated;
  }

  /**
   * The next message. `now` (epoch ms) drives the clock for live use;
   * without it a virtual clock advances by 1000 / ratePerSecond per message.
   */
  next(now?: number): Rsvp {
    const clock = now ?? this.tick();
    this.generated += 1;
    const roll = this.random.next();
    const { resendRatio, changeRatio } = this.options;
    if (this.recent.length > 0 && roll < resendRatio) return this.resend();
    if (this.recent.length > 0 && roll < resendRatio + changeRatio) return this.change(clock);
    return this.fresh(clock);
  }

  take(count: number, now?: number): Rsvp[] {
    return Array.from({ length: count }, () => this.next(now));
  }

  private tick(): number {
    const clock = Math.floor(this.virtualClock);
    this.virtualClock += 1_000 / this.options.ratePerSecond;
    return clock;
  }

  private fresh(clock: number): Rsvp {
    const groupIndex = this.pickGroup(clock);
    const slot = this.random.int(EVENTS_PER_GROUP);
    const memberId = 1 + this.random.int(2_147_483_000);
    const venue = this.catalog.venueObject(groupIndex, slot);
    const rsvp: Rsvp = {
      ...(venue ? { venue } : {}),
      visibility: 'public',
      response: this.random.chance(this.catalog.tables.yesRatio) ? 'yes' : 'no',
      guests: this.pickGuests(),
      member: {
        member_id: memberId,
        member_name: `member-${memberId.toString(16).padStart(8, '0')}`,
      },
      rsvp_id: this.nextRsvpId++,
      mtime: this.freshMtime(clock),
      event: this.catalog.eventObject(groupIndex, slot, clock),
      group: this.catalog.groupObject(groupIndex),
    };
    this.remember(rsvp);
    return rsvp;
  }

  private freshMtime(clock: number): number {
    const { outOfOrderRatio, outOfOrderMaxMs, staleRatio, staleMaxMs } = this.options;
    if (this.random.chance(staleRatio)) return clock - 86_400_000 - this.random.int(staleMaxMs);
    if (this.random.chance(outOfOrderRatio)) return clock - 1 - this.random.int(outOfOrderMaxMs);
    return clock;
  }

  /** The same state again, as the stream resends it: exact mtime, or rounded down to the second. */
  private resend(): Rsvp {
    const previous = this.random.pick(this.recent);
    const mtime = this.random.chance(0.5)
      ? previous.mtime
      : Math.floor(previous.mtime / 1_000) * 1_000;
    return { ...previous, mtime };
  }

  /** A member changes the answer or the guest count; the new state is newer than the old one. */
  private change(clock: number): Rsvp {
    const index = this.random.int(this.recent.length);
    const previous = this.recent[index] ?? this.random.pick(this.recent);
    const flip = previous.guests === 0 || this.random.chance(0.7);
    const changed: Rsvp = {
      ...previous,
      response: flip ? (previous.response === 'yes' ? 'no' : 'yes') : previous.response,
      guests: flip ? previous.guests : previous.guests === 0 ? 1 : previous.guests - 1,
      mtime: Math.max(clock, previous.mtime + 1),
    };
    this.recent[index] = changed;
    return changed;
  }

  private remember(rsvp: Rsvp): void {
    if (this.recent.length < RECENT_STATES) this.recent.push(rsvp);
    else this.recent[this.random.int(RECENT_STATES)] = rsvp;
  }

  private pickGroup(clock: number): number {
    for (const burst of this.bursts) {
      if (clock >= burst.from && clock < burst.to && this.random.chance(burst.probability)) {
        return burst.groups[burst.picker.pick(this.random)] ?? this.groupPicker.pick(this.random);
      }
    }
    return this.groupPicker.pick(this.random);
  }

  private pickGuests(): number {
    const [guests] = this.catalog.tables.guests[this.guestPicker.pick(this.random)] ?? [0];
    return guests;
  }

  /** Replacing a share p of picks lifts the matching share s to min(1, s × factor). */
  private activeBurst(burst: BurstOptions): ActiveBurst {
    const groups = this.catalog.matchingGroups(burst);
    if (groups.length === 0)
      throw new RangeError(`no group matches burst ${JSON.stringify(burst)}`);
    const weights = groups.map((index) => this.catalog.group(index).weight);
    const share = weights.reduce((a, b) => a + b, 0) / this.groupPicker.total;
    const target = Math.min(1, share * burst.factor);
    const probability = share >= 1 ? 0 : Math.max(0, (target - share) / (1 - share));
    return {
      from: burst.from,
      to: burst.to,
      probability,
      picker: new WeightedPicker(weights),
      groups,
    };
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
