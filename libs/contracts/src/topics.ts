/** Kafka topic names: declared here once, read everywhere else. */
export const Topics = {
  rsvps: 'meetup.rsvps',
  rsvpsDlq: 'meetup.rsvps.dlq',
  /** Compacted: the ingestor's resume position per source and replica. */
  ingestorCheckpoints: 'meetup.ingestor.checkpoints',
} as const;

export type TopicName = (typeof Topics)[keyof typeof Topics];

/** Headers carried by every record in the dead-letter topic. */
export const DlqHeaders = {
  reasonCode: 'dlq.reason.code',
  reasonField: 'dlq.reason.field',
  reasonMessage: 'dlq.reason.message',
  source: 'dlq.source',
  receivedAt: 'dlq.received-at',
} as const;
