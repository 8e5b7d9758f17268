import type { Admin } from 'kafkajs';
import type { Counter } from '@meetup/observability';

/** End offsets and the aggregator group's committed offsets at one moment. */
export interface OffsetsSample {
  at: number;
  rsvpEnd: number;
  dlqEnd: number;
  /** Records of the RSVP topic the aggregator's group has not committed yet. */
  lag: number;
}

export interface PipelineRates {
  ingestPerSecond: number | undefined;
  dlqPerSecond: number | undefined;
  consumerLag: number | undefined;
}

/** Ingest and DLQ rates from two samples of the topics' end offsets. */
export function ratesBetween(
  previous: OffsetsSample | undefined,
  current: OffsetsSample,
): PipelineRates {
  const seconds = previous === undefined ? 0 : (current.at - previous.at) / 1000;
  const rate = (now: number, before: number | undefined) =>
    before === undefined || seconds <= 0 ? undefined : Math.max(0, now - before) / seconds;
  return {
    ingestPerSecond: rate(current.rsvpEnd, previous?.rsvpEnd),
    dlqPerSecond: rate(current.dlqEnd, previous?.dlqEnd),
    consumerLag: current.lag,
  };
}

/** Reads the topics' end offsets and the aggregator group's committed offsets (Describe only). */
export class PipelineOffsets {
  constructor(
    private readonly admin: Admin,
    private readonly topics: { rsvp: string; dlq: string; group: string },
    private readonly requests: Counter<'read'>,
  ) {}

  async sample(): Promise<OffsetsSample> {
    this.requests.inc({ read: 'kafka_offsets' });
    await this.admin.connect();
    const [rsvp, dlq, committed] = await Promise.all([
      this.admin.fetchTopicOffsets(this.topics.rsvp),
      this.admin.fetchTopicOffsets(this.topics.dlq),
      this.admin.fetchOffsets({ groupId: this.topics.group, topics: [this.topics.rsvp] }),
    ]);
    const sum = (offsets: { offset: string }[]) =>
      offsets.reduce((total, p) => total + Number(p.offset), 0);
    const groupOffsets = new Map(
      (committed[0]?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]),
    );
    let lag = 0;
    for (const p of rsvp) {
      const done = groupOffsets.get(p.partition) ?? -1;
      // -1: the group committed nothing for the partition yet; all of it is lag.
      lag += Number(p.high) - (done < 0 ? Number(p.low) : done);
    }
    return {
      at: Date.now(),
      rsvpEnd: sum(rsvp.map((p) => ({ offset: p.high }))),
      dlqEnd: sum(dlq.map((p) => ({ offset: p.high }))),
      lag: Math.max(0, lag),
    };
  }
}
