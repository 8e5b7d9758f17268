import type { Client, estypes } from '@elastic/elasticsearch';
import {
  BATCH_SORT_KEYS,
  epochMs,
  type AlertRow,
  type BatchSortKey,
  type BatchView,
  type ByCountryDoc,
  type EventRow,
  type GroupRow,
  type TrendingDoc,
} from '@meetup/console-views';
import { IndexAliases } from '@meetup/contracts';
import type { Counter } from '@meetup/observability';

const PAGE_SIZE = 2_000;
const BATCH_ROWS = 50;

/** The indices the console reads, with the deployment's prefix. */
export function consoleIndices(prefix: string) {
  return {
    byCountry: prefix + IndexAliases.rsvpByCountry,
    globalTrending: prefix + IndexAliases.globalTrendingTopics,
    countryTrending: prefix + IndexAliases.countryTrendingTopics,
    groups: prefix + IndexAliases.groups,
    events: prefix + IndexAliases.events,
    alertRules: prefix + IndexAliases.alertRules,
    alertState: prefix + IndexAliases.alertState,
    batchState: prefix + IndexAliases.batchState,
  };
}
export type ConsoleIndices = ReturnType<typeof consoleIndices>;

/** A read of the documents changed since a time, and the time to ask from next. */
export interface ChangedDocs<T> {
  docs: T[];
  /** The newest `updated_at` read (ms); asked again inclusively, since a cycle's writes share it. */
  cursor: number;
}

interface StateDoc {
  rule_id: string;
  groups?: {
    alerts?: Record<string, { status: string; since: number; values?: Record<string, unknown> }>;
  };
}

/**
 * Every Elasticsearch read of the console, each counted by name, so the query rate the
 * loop causes is visible (and tested not to grow with the number of open pages).
 */
export class AnalyticsReader {
  constructor(
    private readonly es: Client,
    readonly indices: ConsoleIndices,
    private readonly requests: Counter<'read'>,
  ) {}

  /** The newest value of a date field of an index (undefined when the index is empty). */
  async newest(index: string, field: string): Promise<number | undefined> {
    this.requests.inc({ read: 'newest' });
    const result = await this.es.search({
      index,
      size: 0,
      aggs: { newest: { max: { field } } },
    });
    const agg = result.aggregations?.newest as estypes.AggregationsMaxAggregate | undefined;
    return typeof agg?.value === 'number' ? agg.value : undefined;
  }

  /**
   * Documents of `index` with `updated_at` at or after `since` (ms), or, with `from`, those
   * whose `timeField` is at or after it (a full load), oldest change first.
   */
  async changed<T extends { updated_at: string }>(
    read: string,
    index: string,
    filter: { since: number } | { timeField: string; from: number },
    tiebreak: string[],
  ): Promise<ChangedDocs<T>> {
    const query: estypes.QueryDslQueryContainer =
      'since' in filter
        ? { range: { updated_at: { gte: filter.since, format: 'epoch_millis' } } }
        : { range: { [filter.timeField]: { gte: filter.from, format: 'epoch_millis' } } };
    const sort: estypes.Sort = [
      { updated_at: 'asc' },
      ...tiebreak.map((f) => ({ [f]: 'asc' as const })),
    ];
    const docs: T[] = [];
    let cursor = 'since' in filter ? filter.since : 0;
    let after: estypes.SortResults | undefined;
    for (;;) {
      this.requests.inc({ read });
      const result = await this.es.search<T>({
        index,
        size: PAGE_SIZE,
        query,
        sort,
        search_after: after,
        track_total_hits: false,
      });
      const hits = result.hits.hits;
      for (const hit of hits) {
        if (hit._source === undefined) continue;
        docs.push(hit._source);
        const updated = epochMs(hit._source.updated_at);
        if (updated > cursor) cursor = updated;
      }
      if (hits.length < PAGE_SIZE) break;
      after = hits[hits.length - 1]?.sort;
    }
    return { docs, cursor };
  }

  async byCountry(filter: { since: number } | { from: number }) {
    return this.changed<ByCountryDoc>(
      'by_country',
      this.indices.byCountry,
      'since' in filter ? filter : { timeField: 'bucket_start', from: filter.from },
      ['bucket_start', 'country', 'response'],
    );
  }

  async trending(scope: 'global' | 'country', filter: { since: number } | { from: number }) {
    const index = scope === 'global' ? this.indices.globalTrending : this.indices.countryTrending;
    const tiebreak =
      scope === 'global'
        ? ['window_end', 'topic_urlkey']
        : ['window_end', 'country', 'topic_urlkey'];
    return this.changed<TrendingDoc>(
      `${scope}_trending`,
      index,
      'since' in filter ? filter : { timeField: 'window_end', from: filter.from },
      tiebreak,
    );
  }

  /** The top rows of groups (all-time scope) and events for each sort key, and the last batch run. */
  async batch(): Promise<BatchView> {
    const searches: estypes.MsearchRequestItem[] = [];
    for (const key of BATCH_SORT_KEYS) {
      searches.push(
        { index: this.indices.groups },
        {
          size: BATCH_ROWS,
          query: { term: { scope: 'all' } },
          sort: [{ [key]: 'desc' }, { group_id: 'asc' }],
        },
      );
    }
    for (const key of BATCH_SORT_KEYS) {
      searches.push(
        { index: this.indices.events },
        {
          size: BATCH_ROWS,
          sort: [{ [key]: 'desc' }, { event_id: 'asc' }],
        },
      );
    }
    this.requests.inc({ read: 'batch' });
    const result = await this.es.msearch<Record<string, unknown>>({ searches });
    const sources = result.responses.map((response) => {
      if ('error' in response)
        throw new Error(
          `batch read failed: ${response.error.type}: ${response.error.reason ?? ''}`,
        );
      return response.hits.hits.flatMap((hit) => (hit._source ? [hit._source] : []));
    });
    const groups = {} as Record<BatchSortKey, GroupRow[]>;
    const events = {} as Record<BatchSortKey, EventRow[]>;
    BATCH_SORT_KEYS.forEach((key, i) => {
      groups[key] = (sources[i] ?? []).map(groupRow);
      events[key] = (sources[BATCH_SORT_KEYS.length + i] ?? []).map(eventRow);
    });
    return { groups, events, lastRunAt: await this.lastBatchRun() };
  }

  /** When the batch job last completed (its checkpoint), undefined if never. */
  async lastBatchRun(): Promise<number | undefined> {
    this.requests.inc({ read: 'batch_state' });
    const result = await this.es.search<{ completed_at?: string }>({
      index: this.indices.batchState,
      size: 1,
      query: { ids: { values: ['checkpoint'] } },
    });
    const completed = result.hits.hits[0]?._source?.completed_at;
    return time(completed);
  }

  /** Every alert that is not ok, with its rule's name, most recent change first. */
  async alerts(): Promise<AlertRow[]> {
    this.requests.inc({ read: 'alerts' });
    const result = await this.es.msearch({
      searches: [
        { index: this.indices.alertState },
        { size: 1_000, query: { match_all: {} } },
        { index: this.indices.alertRules },
        { size: 1_000, _source: ['rule_id', 'name'], query: { match_all: {} } },
      ],
    });
    const [states, rules] = result.responses.map((response) => {
      if ('error' in response)
        throw new Error(
          `alerts read failed: ${response.error.type}: ${response.error.reason ?? ''}`,
        );
      return response.hits.hits.flatMap((hit) => (hit._source ? [hit._source] : []));
    });
    const names = new Map(
      (rules as { rule_id: string; name?: string }[]).map((rule) => [
        rule.rule_id,
        rule.name ?? rule.rule_id,
      ]),
    );
    const rows: AlertRow[] = [];
    for (const state of (states ?? []) as StateDoc[]) {
      for (const [group, alert] of Object.entries(state.groups?.alerts ?? {})) {
        if (!isListedStatus(alert.status)) continue;
        rows.push({
          ruleId: state.rule_id,
          ruleName: names.get(state.rule_id) ?? state.rule_id,
          group,
          status: alert.status,
          since: alert.since,
          values: alert.values ?? {},
        });
      }
    }
    return rows.sort((a, b) => b.since - a.since || a.ruleId.localeCompare(b.ruleId));
  }
}

function isListedStatus(status: string): status is AlertRow['status'] {
  return (
    status === 'pending' ||
    status === 'firing' ||
    status === 'acknowledged' ||
    status === 'resolved'
  );
}

const text = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : undefined;
const count = (value: unknown): number => (typeof value === 'number' ? value : 0);
const time = (value: unknown): number | undefined => {
  const ms = epochMs(value);
  return Number.isFinite(ms) ? ms : undefined;
};

function groupRow(doc: Record<string, unknown>): GroupRow {
  return {
    group_id: text(doc.group_id) ?? '',
    group_name: text(doc.group_name) ?? '',
    group_city: text(doc.group_city),
    group_country: text(doc.group_country),
    responses: count(doc.responses),
    yes: count(doc.yes),
    no: count(doc.no),
    attendees: count(doc.attendees),
    distinct_members: count(doc.distinct_members),
    distinct_events: count(doc.distinct_events),
  };
}

function eventRow(doc: Record<string, unknown>): EventRow {
  return {
    event_id: text(doc.event_id) ?? '',
    event_name: text(doc.event_name) ?? '',
    event_time: time(doc.event_time),
    event_url: text(doc.event_url),
    group_name: text(doc.group_name),
    group_country: text(doc.group_country),
    responses: count(doc.responses),
    yes: count(doc.yes),
    no: count(doc.no),
    attendees: count(doc.attendees),
  };
}
