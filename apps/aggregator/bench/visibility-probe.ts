import type { Client } from '@elastic/elasticsearch';
import { IndexAliases } from '@meetup/contracts';
import type { Admin } from 'kafkajs';
import type { Reading } from './delay-stats';

export interface ProbeTarget {
  es: Client;
  admin: Admin;
  prefix: string;
  group: string;
  topic: string;
}

/** Records in the topic that a combine stage has not included yet (sampled). */
export interface LagReading {
  at: number;
  country: number;
  trending: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sum of `responses` over a country's by-country documents: one per counted message. */
export async function countedTotal(es: Client, prefix: string, country: string): Promise<number> {
  const result = await es.search({
    index: prefix + IndexAliases.rsvpByCountry,
    size: 0,
    query: { term: { country } },
    aggs: { n: { sum: { field: 'responses' } } },
  });
  return (result.aggregations?.n as { value: number } | undefined)?.value ?? 0;
}

/** The newest trending window end (epoch ms) written so far, or 0. */
export async function newestWindowEnd(es: Client, prefix: string): Promise<number> {
  const result = await es.search({
    index: prefix + IndexAliases.globalTrendingTopics,
    size: 0,
    aggs: { end: { max: { field: 'window_end' } } },
  });
  return (result.aggregations?.end as { value: number | null } | undefined)?.value ?? 0;
}

/** Per combine stage, the records of the topic it has not included (its state's offsets). */
export async function combineLag(target: ProbeTarget): Promise<Omit<LagReading, 'at'>> {
  const ends = await target.admin.fetchTopicOffsets(target.topic);
  const behind = async (stage: string) => {
    const found = await target.es.get<{ offsets?: Record<string, number> }>(
      {
        index: target.prefix + IndexAliases.aggregatorState,
        id: `${target.group}|${target.topic}|combine-${stage}`,
      },
      { ignore: [404] },
    );
    const offsets = found.found ? (found._source?.offsets ?? {}) : {};
    return ends.reduce((sum, e) => sum + Number(e.high) - (offsets[e.partition] ?? 0), 0);
  };
  return { country: await behind('country'), trending: await behind('trending') };
}

/**
 * Polls, until stopped, what a reader of the outputs sees: the probe country's counted
 * total in by-country (every 50 ms), the newest trending window end (every 100 ms), and
 * both combine stages' lag (every 500 ms).
 */
export class VisibilityProbe {
  readonly totals: Reading[] = [];
  readonly windowEnds: Reading[] = [];
  readonly lags: LagReading[] = [];
  private running = true;
  private readonly loops: Promise<void>[];

  constructor(
    private readonly target: ProbeTarget,
    probeCountry: string,
  ) {
    const { es, prefix } = target;
    this.loops = [
      this.poll(
        50,
        async () => ({ at: 0, value: await countedTotal(es, prefix, probeCountry) }),
        this.totals,
      ),
      this.poll(
        100,
        async () => ({ at: 0, value: await newestWindowEnd(es, prefix) }),
        this.windowEnds,
      ),
      this.poll(500, async () => ({ at: 0, ...(await combineLag(target)) }), this.lags),
    ];
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  private async poll<T extends { at: number }>(
    everyMs: number,
    read: () => Promise<T>,
    into: T[],
  ): Promise<void> {
    while (this.running) {
      const started = Date.now();
      // The reading's time is when its answer arrived: the value was visible by then.
      const value = await read().catch(() => undefined);
      if (value) into.push({ ...value, at: Date.now() });
      await sleep(Math.max(0, everyMs - (Date.now() - started)));
    }
  }
}
