import { Counter, Gauge, Histogram, type Registry } from '@meetup/observability';

/** Every metric of the aggregator: `meetup_aggregator_<what>_<unit>`. */
export class AggregatorMetrics {
  readonly recordsIn: Counter;
  readonly recordsCounted: Counter;
  readonly recordsDuplicate: Counter;
  readonly recordsLate: Counter;
  readonly recordsDlq: Counter<'reason'>;
  readonly consumerLag: Gauge<'partition'>;
  readonly bulkLatency: Histogram<'target'>;
  readonly bulkFailures: Counter<'target' | 'kind'>;
  readonly partialsPartitionsDropped: Counter;
  readonly idleMarkers: Counter;
  readonly openWindows: Gauge<'kind'>;
  readonly stateSize: Gauge<'partition'>;
  readonly watermarkDelay: Gauge<'partition'>;
  readonly combineLatency: Histogram<'stage'>;
  readonly combinePhaseLatency: Histogram<'stage' | 'phase'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.recordsIn = new Counter({
      name: 'meetup_aggregator_records_in_total',
      help: 'Records read from the RSVP topic',
      registers,
    });
    this.recordsCounted = new Counter({
      name: 'meetup_aggregator_records_counted_total',
      help: 'Records that count in the real-time aggregates (first or changed answer, not late)',
      registers,
    });
    this.recordsDuplicate = new Counter({
      name: 'meetup_aggregator_records_duplicate_total',
      help: 'Records that change nothing (resends, replays, older states)',
      registers,
    });
    this.recordsLate = new Counter({
      name: 'meetup_aggregator_records_late_total',
      help: 'New answers behind the watermark by more than the allowed lateness (not counted; a late resend is a duplicate)',
      registers,
    });
    this.recordsDlq = new Counter({
      name: 'meetup_aggregator_records_dlq_total',
      help: 'Records sent to the dead-letter topic, by reason',
      labelNames: ['reason'],
      registers,
    });
    this.consumerLag = new Gauge({
      name: 'meetup_aggregator_consumer_lag_records',
      help: 'Records between the last processed offset and the partition end',
      labelNames: ['partition'],
      registers,
    });
    this.bulkLatency = new Histogram({
      name: 'meetup_aggregator_bulk_latency_seconds',
      help: 'Elasticsearch bulk request latency',
      labelNames: ['target'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.bulkFailures = new Counter({
      name: 'meetup_aggregator_bulk_failures_total',
      help: 'Failed bulk requests or documents (retried or sent to the DLQ)',
      labelNames: ['target', 'kind'],
      registers,
    });
    this.openWindows = new Gauge({
      name: 'meetup_aggregator_open_windows',
      help: 'Buckets and windows not final yet (combine step)',
      labelNames: ['kind'],
      registers,
    });
    this.stateSize = new Gauge({
      name: 'meetup_aggregator_state_size_entries',
      help: 'rsvp_ids in the dedup state, per partition',
      labelNames: ['partition'],
      registers,
    });
    this.watermarkDelay = new Gauge({
      name: 'meetup_aggregator_watermark_delay_seconds',
      help: 'Wall clock minus the partition watermark (event time)',
      labelNames: ['partition'],
      registers,
    });
    this.partialsPartitionsDropped = new Counter({
      name: 'meetup_aggregator_partials_partitions_dropped_total',
      help: 'Partials partitions dropped by retention (combine step)',
      registers,
    });
    this.idleMarkers = new Counter({
      name: 'meetup_aggregator_idle_markers_total',
      help: 'Idle markers written into the RSVP topic: the stream was quiet and its event time ran on',
      registers,
    });
    this.combineLatency = new Histogram({
      name: 'meetup_aggregator_combine_latency_seconds',
      help: 'Duration of one combine cycle (aggregates recomputed and written), per stage',
      labelNames: ['stage'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.combinePhaseLatency = new Histogram({
      name: 'meetup_aggregator_combine_phase_seconds',
      help: 'Duration of each phase of a combine cycle (state, read, compute, write, progress)',
      labelNames: ['stage', 'phase'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
  }
}
