/**
 * The expected contents of every output, computed straight from the input
 * records in each partition's order, independently of the aggregator's code.
 */
import { RsvpValidator } from '@meetup/contracts';

export interface ProducedRecord {
  partition: number;
  /** Bytes where the test needs ones that are not UTF-8. */
  value: string | Buffer;
}

export interface ReferenceSettings {
  bucketMs: number;
  windowMs: number;
  slideMs: number;
  minSupport: number;
  baselineWindows: number;
  latenessMs: number;
  horizonMs: number;
}

export const DEFAULT_SETTINGS: ReferenceSettings = {
  bucketMs: 60_000,
  windowMs: 300_000,
  slideMs: 10_000,
  minSupport: 5,
  baselineWindows: 12,
  latenessMs: 120_000,
  horizonMs: 24 * 3600 * 1000,
};

interface Parsed {
  rsvp_id: number;
  mtime: number;
  response: 'yes' | 'no';
  guests: number;
  group: { group_country: string; group_topics: { topic_name: string; urlkey: string }[] };
}

export interface TrendRow {
  count: number;
  score: number;
  mean: number;
  stddev: number;
  rank: number;
  name: string;
}

export interface Reference {
  raw: Map<string, { mtime: number; response: string; guests: number }>;
  invalid: number;
  counted: Parsed[];
  byCountry: Map<string, { responses: number; guests: number; attendees: number }>;
  globalTrending: Map<string, TrendRow>;
  countryTrending: Map<string, TrendRow>;
}

/**
 * `untilQuiet`: the state once the stream went quiet long enough (STREAM_IDLE_MS) for its event
 * time to pass every window holding a record: those after the last record are emitted too.
 */
export function computeReference(
  records: readonly ProducedRecord[],
  settings: ReferenceSettings = DEFAULT_SETTINGS,
  { untilQuiet = false } = {},
): Reference {
  const validator = new RsvpValidator();
  const raw: Reference['raw'] = new Map();
  const counted: Parsed[] = [];
  let invalid = 0;
  const partitions = new Map<number, { wm: number; known: Map<number, Parsed> }>();
  for (const record of records) {
    const check = validator.validateRaw(record.value);
    if (!check.ok) {
      invalid += 1;
      continue;
    }
    const r = JSON.parse(record.value.toString()) as Parsed;
    const stored = raw.get(String(r.rsvp_id));
    if (!stored || r.mtime > stored.mtime) {
      raw.set(String(r.rsvp_id), { mtime: r.mtime, response: r.response, guests: r.guests });
    }
    let p = partitions.get(record.partition);
    if (!p) partitions.set(record.partition, (p = { wm: -Infinity, known: new Map() }));
    const late = r.mtime < p.wm - settings.latenessMs;
    let known = p.known.get(r.rsvp_id);
    if (known && known.mtime < p.wm - settings.horizonMs) known = undefined;
    const newer = known === undefined || r.mtime > known.mtime;
    const changed = known?.response !== r.response || known.guests !== r.guests;
    const counts = newer && changed;
    if (newer) p.known.set(r.rsvp_id, r);
    p.wm = Math.max(p.wm, r.mtime);
    if (counts && !late) counted.push(r);
  }
  // The stream's event time: the newest valid record. Trending windows are emitted once it reaches their end.
  let streamTime = untilQuiet ? Infinity : -Infinity;
  for (const p of partitions.values()) streamTime = Math.max(streamTime, p.wm);
  return { raw, invalid, counted, ...aggregates(counted, streamTime, settings) };
}

function aggregates(counted: readonly Parsed[], streamTime: number, s: ReferenceSettings) {
  const byCountry: Reference['byCountry'] = new Map();
  // scope ('' = world) → urlkey → pane → count, and urlkey → names
  const panes = new Map<string, Map<string, Map<number, number>>>();
  const names = new Map<string, Set<string>>();
  let firstMtime = Infinity;
  for (const r of counted) firstMtime = Math.min(firstMtime, r.mtime);
  const historyStart = Math.floor(firstMtime / s.slideMs) * s.slideMs;
  for (const r of counted) {
    const bucket = Math.floor(r.mtime / s.bucketMs) * s.bucketMs;
    const key = `${bucket}:${r.group.group_country}:${r.response}`;
    const row = byCountry.get(key) ?? { responses: 0, guests: 0, attendees: 0 };
    row.responses += 1;
    row.guests += r.guests;
    row.attendees += r.response === 'yes' ? r.guests + 1 : 0;
    byCountry.set(key, row);
    const pane = Math.floor(r.mtime / s.slideMs) * s.slideMs;
    const seen = new Set<string>();
    for (const topic of r.group.group_topics) {
      if (seen.has(topic.urlkey)) continue;
      seen.add(topic.urlkey);
      const set = names.get(topic.urlkey) ?? new Set();
      set.add(topic.topic_name);
      names.set(topic.urlkey, set);
      for (const scope of ['', r.group.group_country]) {
        const topics = panes.get(scope) ?? new Map<string, Map<number, number>>();
        panes.set(scope, topics);
        const counts = topics.get(topic.urlkey) ?? new Map<number, number>();
        topics.set(topic.urlkey, counts);
        counts.set(pane, (counts.get(pane) ?? 0) + 1);
      }
    }
  }
  const globalTrending: Reference['globalTrending'] = new Map();
  const countryTrending: Reference['countryTrending'] = new Map();
  for (const [scope, topics] of panes) {
    const perWindow = new Map<number, { urlkey: string; row: Omit<TrendRow, 'rank'> }[]>();
    for (const [urlkey, counts] of topics) {
      const sumOf = (from: number, to: number) => {
        let total = 0;
        for (const [pane, count] of counts) if (pane >= from && pane < to) total += count;
        return total;
      };
      const ends = new Set<number>();
      for (const pane of counts.keys()) {
        for (let end = pane + s.slideMs; end <= pane + s.windowMs; end += s.slideMs) {
          if (end <= streamTime) ends.add(end);
        }
      }
      for (const end of ends) {
        const count = sumOf(end - s.windowMs, end);
        if (count <= s.minSupport) continue;
        // Baseline windows before the first counted record are unknown and left out.
        const baseline = Array.from({ length: s.baselineWindows }, (_, i) => i)
          .filter((i) => end - s.windowMs * (i + 2) >= historyStart)
          .map((i) => sumOf(end - s.windowMs * (i + 2), end - s.windowMs * (i + 1)));
        const n = baseline.length;
        const mean = n === 0 ? 0 : baseline.reduce((a, b) => a + b, 0) / n;
        const variance = n === 0 ? 0 : baseline.reduce((a, b) => a + (b - mean) ** 2, 0) / n;
        const score = n === 0 ? 0 : (count - mean) / Math.sqrt(variance + mean + 1);
        const list = perWindow.get(end) ?? [];
        list.push({
          urlkey,
          row: {
            count,
            score,
            mean,
            stddev: Math.sqrt(variance),
            name: [...(names.get(urlkey) ?? [])].sort()[0] ?? urlkey,
          },
        });
        perWindow.set(end, list);
      }
    }
    for (const [end, list] of perWindow) {
      list.sort(
        (a, b) =>
          b.row.score - a.row.score || b.row.count - a.row.count || (a.urlkey < b.urlkey ? -1 : 1),
      );
      list.forEach(({ urlkey, row }, i) => {
        const target = scope === '' ? globalTrending : countryTrending;
        const id = scope === '' ? `${end}:${urlkey}` : `${end}:${scope}:${urlkey}`;
        target.set(id, { ...row, rank: i + 1 });
      });
    }
  }
  return { byCountry, globalTrending, countryTrending };
}
