import {
  groupDayFiguresSpec,
  groupEventDaysSpec,
  groupMemberDaysSpec,
  GroupStatsBuilder,
  type GroupDayBucket,
  type RawQuery,
} from '@meetup/batch-stats';
import type { BulkSink } from './bulk-sink';
import { Peekable } from './peekable';
import type { SnapshotReader } from './point-in-time';

interface PairBucket {
  key: { group: string; member?: string; event?: string; day: number };
}

export interface GroupPassResult {
  groups: number;
  rsvps: number;
  /** Ids of the day documents written per group (for removing stale days on updates). */
  dayIds: Set<string>;
}

export interface GroupPassOptions {
  computedAt: string;
  /** Keep the written day document ids (only updates need them; bounded by one chunk). */
  collectDayIds: boolean;
  onGroup: (rsvps: number) => void;
  beforePage: () => void;
}

/**
 * One pass over the RSVPs a query selects: three composite aggregations
 * (figures per group and day; (group, member, day) and (group, event, day)
 * pairs), all sorted by group first, merged group by group. Every distinct
 * count is a count of composite buckets, so it is exact at any size.
 */
export async function computeGroups(
  snapshot: SnapshotReader,
  query: RawQuery,
  sink: BulkSink,
  options: GroupPassOptions,
): Promise<GroupPassResult> {
  const figures = new Peekable(snapshot.buckets<GroupDayBucket>(query, groupDayFiguresSpec()));
  const members = new Peekable(snapshot.buckets<PairBucket>(query, groupMemberDaysSpec()));
  const events = new Peekable(snapshot.buckets<PairBucket>(query, groupEventDaysSpec()));
  const result: GroupPassResult = { groups: 0, rsvps: 0, dayIds: new Set() };
  for (let first = await figures.peek(); first; first = await figures.peek()) {
    options.beforePage();
    const group = first.key.group;
    const builder = new GroupStatsBuilder(group);
    const ofGroup = (bucket: { key: { group: string } }) => bucket.key.group === group;
    for await (const bucket of figures.takeWhile(ofGroup)) builder.addDayFigures(bucket);
    for await (const { key } of members.takeWhile(ofGroup)) {
      builder.addMemberDay(key.member ?? '', key.day);
    }
    for await (const { key } of events.takeWhile(ofGroup))
      builder.addEventDay(key.event ?? '', key.day);
    const docs = builder.documents(options.computedAt);
    if (options.collectDayIds) {
      for (const doc of docs) if (doc.document.scope === 'day') result.dayIds.add(doc.id);
    }
    await sink.write(docs);
    result.groups += 1;
    result.rsvps += builder.rsvps;
    options.onGroup(builder.rsvps);
  }
  if ((await members.peek()) !== undefined || (await events.peek()) !== undefined) {
    throw new Error('composite streams out of step: a group has pairs but no figures');
  }
  return result;
}
