import type { Client } from '@elastic/elasticsearch';
import { IndexAliases } from '@meetup/contracts';

/**
 * Documents of the indices the console reads, shaped as the aggregator, the batch job and the
 * alerting service write them (the indices' mappings are strict: a wrong field fails the write).
 * Each write returns once the document is searchable.
 */
export class AnalyticsDocs {
  constructor(
    private readonly es: Client,
    private readonly prefix: string,
  ) {}

  async byCountry(doc: {
    bucketStart: number;
    country: string;
    countryName: string;
    response: 'yes' | 'no';
    responses: number;
    attendees: number;
  }): Promise<void> {
    await this.es.index({
      index: this.prefix + IndexAliases.rsvpByCountry,
      id: `${doc.bucketStart}:${doc.country}:${doc.response}`,
      refresh: 'wait_for',
      document: {
        bucket_start: doc.bucketStart,
        bucket_end: doc.bucketStart + 60_000,
        country: doc.country,
        country_name: doc.countryName,
        continent: 'EU',
        response: doc.response,
        responses: doc.responses,
        guests: doc.attendees - doc.responses,
        attendees: doc.attendees,
        final: false,
        updated_at: new Date().toISOString(),
      },
    });
  }

  async trending(doc: {
    windowEnd: number;
    urlkey: string;
    name: string;
    count: number;
    rank: number;
    country?: { code: string; name: string };
  }): Promise<void> {
    const alias = doc.country
      ? IndexAliases.countryTrendingTopics
      : IndexAliases.globalTrendingTopics;
    await this.es.index({
      index: this.prefix + alias,
      id: `${doc.windowEnd}:${doc.country ? `${doc.country.code}:` : ''}${doc.urlkey}`,
      refresh: 'wait_for',
      document: {
        window_start: doc.windowEnd - 300_000,
        window_end: doc.windowEnd,
        topic_urlkey: doc.urlkey,
        topic_name: doc.name,
        count: doc.count,
        score: doc.count / 2,
        baseline_mean: 2,
        baseline_stddev: 1,
        ratio: doc.count / 2,
        rank: doc.rank,
        final: false,
        updated_at: new Date().toISOString(),
        ...(doc.country ? { country: doc.country.code, country_name: doc.country.name } : {}),
      },
    });
  }

  async group(doc: {
    id: string;
    name: string;
    responses: number;
    yes: number;
    attendees: number;
  }) {
    await this.es.index({
      index: this.prefix + IndexAliases.groups,
      id: `all:${doc.id}`,
      refresh: 'wait_for',
      document: {
        group_id: doc.id,
        group_name: doc.name,
        group_country: 'de',
        scope: 'all',
        responses: doc.responses,
        yes: doc.yes,
        no: doc.responses - doc.yes,
        guests: doc.attendees - doc.yes,
        attendees: doc.attendees,
        distinct_members: doc.responses,
        distinct_events: 1,
        computed_at: new Date().toISOString(),
      },
    });
  }

  async batchCompleted(at: number): Promise<void> {
    await this.es.index({
      index: this.prefix + IndexAliases.batchState,
      id: 'checkpoint',
      refresh: 'wait_for',
      document: { kind: 'checkpoint', completed_at: new Date(at).toISOString() },
    });
  }

  async alert(rule: { id: string; name: string; status: string; since: number }): Promise<void> {
    await this.es.index({
      index: this.prefix + IndexAliases.alertRules,
      id: rule.id,
      refresh: 'wait_for',
      document: {
        rule_id: rule.id,
        name: rule.name,
        type: 'threshold',
        enabled: true,
        origin: 'api',
        definition: {},
        created_at: new Date().toISOString(),
        updated_at: new Date().toISOString(),
      },
    });
    await this.es.index({
      index: this.prefix + IndexAliases.alertState,
      id: rule.id,
      refresh: 'wait_for',
      document: {
        rule_id: rule.id,
        groups: {
          last_episode: 1,
          alerts: {
            '*': {
              status: rule.status,
              episode: 1,
              since: rule.since,
              values: { count: 42 },
              transitions: [],
              flapping: false,
              notified_firing: 1,
              notified_resolved: 0,
              reminders: {},
            },
          },
        },
        updated_at: new Date().toISOString(),
        replica: 'test',
      },
    });
  }
}
