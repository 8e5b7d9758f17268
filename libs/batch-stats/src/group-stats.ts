import { groupDescriptors, type GroupDescriptors } from './descriptors';
import { addFigures, figuresOf, noFigures, type FigureBucket, type RsvpFigures } from './figures';
import { laterOf, latestOf, type LatestHits, type LatestRsvp } from './latest-hit';

export interface GroupDayBucket extends FigureBucket {
  key: { group: string; day: number };
  latest: LatestHits;
}

export type GroupDocument = GroupDescriptors &
  RsvpFigures & {
    scope: 'day' | 'all';
    /** UTC day (`YYYY-MM-DD`) of a `day` document; absent on the all-time document. */
    day?: string;
    distinct_members: number;
    distinct_events: number;
    computed_at: string;
  };

export interface IdentifiedDocument<D> {
  id: string;
  document: D;
}

const isoDay = (dayMs: number): string => new Date(dayMs).toISOString().slice(0, 10);

export const groupDayId = (groupId: string, dayMs: number): string => `${groupId}:${isoDay(dayMs)}`;
export const groupAllTimeId = (groupId: string): string => `${groupId}:all`;

/** Counts distinct values of a key that arrives in contiguous runs (composite order). */
class RunCounter {
  private last: string | undefined;
  count = 0;

  see(value: string): void {
    if (value === this.last) return;
    this.last = value;
    this.count += 1;
  }
}

interface DayStats {
  figures: RsvpFigures;
  members: number;
  events: number;
}

/**
 * Statistics of one group, built from its buckets of the three composite
 * aggregations (figures per day; (member, day) and (event, day) pairs).
 * Memory is bounded by the number of days the group has RSVPs on.
 */
export class GroupStatsBuilder {
  private readonly days = new Map<number, DayStats>();
  private readonly allMembers = new RunCounter();
  private readonly allEvents = new RunCounter();
  private latest: LatestRsvp | undefined;
  private scanned = 0;

  constructor(readonly groupId: string) {}

  /** RSVPs counted so far (the sum of the figure buckets' doc counts). */
  get rsvps(): number {
    return this.scanned;
  }

  addDayFigures(bucket: GroupDayBucket): void {
    this.day(bucket.key.day).figures = figuresOf(bucket);
    this.latest = laterOf(this.latest, latestOf(bucket.latest));
    this.scanned += bucket.doc_count;
  }

  /** One (member, day) pair of this group; pairs arrive sorted by member, then day. */
  addMemberDay(member: string, dayMs: number): void {
    this.allMembers.see(member);
    this.day(dayMs).members += 1;
  }

  /** One (event, day) pair of this group; pairs arrive sorted by event, then day. */
  addEventDay(event: string, dayMs: number): void {
    this.allEvents.see(event);
    this.day(dayMs).events += 1;
  }

  /** One document per day and the all-time document, all with the group's latest descriptors. */
  documents(computedAt: string): IdentifiedDocument<GroupDocument>[] {
    if (!this.latest) throw new Error(`group ${this.groupId} has no figures`);
    const descriptors = groupDescriptors(this.latest.source.group);
    const docs: IdentifiedDocument<GroupDocument>[] = [];
    let total = noFigures();
    for (const [dayMs, stats] of [...this.days].sort(([a], [b]) => a - b)) {
      total = addFigures(total, stats.figures);
      docs.push({
        id: groupDayId(this.groupId, dayMs),
        document: {
          ...descriptors,
          scope: 'day',
          day: isoDay(dayMs),
          ...stats.figures,
          distinct_members: stats.members,
          distinct_events: stats.events,
          computed_at: computedAt,
        },
      });
    }
    docs.push({
      id: groupAllTimeId(this.groupId),
      document: {
        ...descriptors,
        scope: 'all',
        ...total,
        distinct_members: this.allMembers.count,
        distinct_events: this.allEvents.count,
        computed_at: computedAt,
      },
    });
    return docs;
  }

  private day(dayMs: number): DayStats {
    let stats = this.days.get(dayMs);
    if (!stats) {
      stats = { figures: noFigures(), members: 0, events: 0 };
      this.days.set(dayMs, stats);
    }
    return stats;
  }
}
