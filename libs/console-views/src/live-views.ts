/**
 * What the console's server pushes to every open page (Server-Sent Events on `/api/live`,
 * one event per view, `id:` = the live model's version) and answers on `/api/snapshot`.
 * Times are epoch milliseconds; counts are integers.
 */

/** The time ranges a page may ask for, measured back from the stream's newest bucket. */
export const TIME_RANGES = { '15m': 15 * 60_000, '1h': 3_600_000, '24h': 86_400_000 } as const;
export type TimeRange = keyof typeof TIME_RANGES;

export interface CountryFigures {
  /** ISO 3166-1 alpha-2, lowercase as the stream sends it. */
  country: string;
  name: string;
  yes: number;
  no: number;
  attendees: number;
}

/** Dashboard 1: responses by country over the chosen range (event `responses`). */
export interface ResponsesView {
  range: TimeRange;
  /** Start of the range and end of the newest bucket; undefined while the index is empty. */
  from: number | undefined;
  to: number | undefined;
  bucketMs: number;
  /** Every country with a response in the range, most responses first. */
  countries: CountryFigures[];
  /** One point per bucket of the range, oldest first, zeros included. */
  series: { t: number; yes: number; no: number; attendees: number }[];
  totals: { yes: number; no: number; attendees: number };
}

/** Why a topic trends in the newest window. */
export interface TrendingTopic {
  urlkey: string;
  name: string;
  rank: number;
  count: number;
  baselineMean: number;
  baselineStddev: number;
  ratio: number;
  score: number;
  /** The topic's count in each of the recent windows, oldest first (0 where it did not trend). */
  spark: number[];
}

export interface TrendingList {
  /** End of the newest window; undefined while nothing trends. */
  windowEnd: number | undefined;
  final: boolean;
  topics: TrendingTopic[];
}

/** Dashboard 2: trending topics, global and for the page's chosen country (event `trending`). */
export interface TrendingView {
  global: TrendingList;
  /** The page's `country` (undefined when none was chosen) and its own list. */
  country: (TrendingList & { code: string; name: string }) | undefined;
  /** Window ends of the sparklines, oldest first. */
  sparkWindowEnds: number[];
}

export interface GroupRow {
  group_id: string;
  group_name: string;
  group_city: string | undefined;
  group_country: string | undefined;
  responses: number;
  yes: number;
  no: number;
  attendees: number;
  distinct_members: number;
  distinct_events: number;
}

export interface EventRow {
  event_id: string;
  event_name: string;
  event_time: number | undefined;
  event_url: string | undefined;
  group_name: string | undefined;
  group_country: string | undefined;
  responses: number;
  yes: number;
  no: number;
  attendees: number;
}

/** The columns a page may sort groups and events by (each list is the top 50 for it). */
export const BATCH_SORT_KEYS = ['responses', 'yes', 'no', 'attendees'] as const;
export type BatchSortKey = (typeof BATCH_SORT_KEYS)[number];

/** Dashboards 3 and 4: the batch job's groups and events (event `batch`). */
export interface BatchView {
  /** Top rows per sort key (a row may appear under several keys). */
  groups: Record<BatchSortKey, GroupRow[]>;
  events: Record<BatchSortKey, EventRow[]>;
  /** When the batch job last completed; undefined if it never ran. */
  lastRunAt: number | undefined;
}

export interface AlertRow {
  ruleId: string;
  ruleName: string;
  group: string;
  /** As the alerting service keeps it: pending, firing, acknowledged or resolved (ok is not listed). */
  status: 'pending' | 'firing' | 'acknowledged' | 'resolved';
  since: number;
  /** The figures the rule saw at its last evaluation. */
  values: Record<string, unknown>;
}

/** Alerts, most recent change first (event `alerts`). */
export interface AlertsView {
  alerts: AlertRow[];
}

/** Pipeline health (event `health`); a figure is undefined while it cannot be known yet. */
export interface HealthView {
  /** RSVPs per second into the raw topic over the last interval. */
  ingestPerSecond: number | undefined;
  /** Records the aggregator's group has not yet committed, all partitions. */
  consumerLag: number | undefined;
  dlqPerSecond: number | undefined;
  lastBatchRunAt: number | undefined;
  /** Whether the console reaches Elasticsearch and Kafka right now. */
  elasticsearch: 'up' | 'down';
  kafka: 'up' | 'down';
}

/** Every view, as `/api/snapshot` answers and a new SSE connection receives first. */
export interface LiveSnapshot {
  version: number;
  responses: ResponsesView;
  trending: TrendingView;
  batch: BatchView;
  alerts: AlertsView;
  health: HealthView;
}

/** SSE event names, one per view. */
export type LiveEventName = 'responses' | 'trending' | 'batch' | 'alerts' | 'health';
