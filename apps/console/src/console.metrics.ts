import { Counter, Gauge, Histogram, type Registry } from '@meetup/observability';

/** The console's Prometheus metrics, all named `meetup_console_*`. */
export class ConsoleMetrics {
  /** Every read of Elasticsearch or Kafka, by what it reads: its rate must not grow with pages. */
  readonly reads: Counter<'read'>;
  readonly readFailures: Counter<'loop'>;
  readonly loopDuration: Histogram<'loop'>;
  readonly openPages: Gauge;
  readonly eventsSent: Counter<'view'>;
  readonly refusedPages: Counter<'reason'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.reads = new Counter({
      name: 'meetup_console_reads_total',
      help: 'Requests the query loop sent to Elasticsearch and Kafka, by read',
      labelNames: ['read'],
      registers,
    });
    this.readFailures = new Counter({
      name: 'meetup_console_read_failures_total',
      help: 'Query loop rounds that failed, by loop (live, alerts, slow)',
      labelNames: ['loop'],
      registers,
    });
    this.loopDuration = new Histogram({
      name: 'meetup_console_loop_duration_seconds',
      help: 'Time of one round of a query loop, reads and view updates',
      labelNames: ['loop'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    this.openPages = new Gauge({
      name: 'meetup_console_open_pages',
      help: 'Pages connected to the live channel',
      registers,
    });
    this.eventsSent = new Counter({
      name: 'meetup_console_events_sent_total',
      help: 'Server-sent events written to pages, by view',
      labelNames: ['view'],
      registers,
    });
    this.refusedPages = new Counter({
      name: 'meetup_console_refused_requests_total',
      help: 'Requests of /api refused, by reason (bad_request, too_many_pages, stopping)',
      labelNames: ['reason'],
      registers,
    });
  }
}
