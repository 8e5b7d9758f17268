/** Kafka topic names: declared here once, read everywhere else. */
export const Topics = {
  rsvps: 'meetup.rsvps',
  rsvpsDlq: 'meetup.rsvps.dlq',
  /** Compacted: the ingestor's resume position per source and replica. */
  ingestorCheckpoints: 'meetup.ingestor.checkpoints',
} as const;

export type TopicName = (typeof Topics)[keyof typeof Topics];

/**
 * How the topics are laid out where the project creates them (the bootstrap,
 * or the ingestor for its checkpoints in local runs); the RSVP topic's
 * partitions and every replication factor come from the configuration.
 */
export const TopicLayouts = {
  rsvpsDlq: { partitions: 1, configs: { 'retention.ms': String(30 * 24 * 3600 * 1000) } },
  /** One partition: the ingestor reads it whole at start; compaction keeps a key's latest. */
  ingestorCheckpoints: {
    partitions: 1,
    configs: { 'cleanup.policy': 'compact', 'segment.ms': '3600000' },
  },
} as const;

/** Consumer group names (and prefixes): what the Kafka ACLs of each app must allow. */
export const ConsumerGroups = {
  aggregator: 'meetup-aggregator',
  /**
   * The ingestor reads its checkpoints at start with a throw-away group
   * `<prefix><uuid>`: its ACL is a PREFIXED group ACL on this prefix.
   */
  ingestorCheckpointReaderPrefix: 'ingestor-checkpoint-reader-',
} as const;

/** Headers carried by every record in the dead-letter topic. */
export const DlqHeaders = {
  reasonCode: 'dlq.reason.code',
  reasonField: 'dlq.reason.field',
  reasonMessage: 'dlq.reason.message',
  source: 'dlq.source',
  receivedAt: 'dlq.received-at',
} as const;
