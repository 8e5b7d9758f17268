import { Gauge, Pushgateway, type Registry } from 'prom-client';

export interface BatchRunFigures {
  mode: string;
  documentsScanned: number;
  groupsWritten: number;
  eventsWritten: number;
  documentsDeleted: number;
  durationSeconds: number;
  success: boolean;
}

/** The run's figures as `meetup_batch_*` gauges, for the final log line and the Pushgateway. */
export class BatchMetrics {
  constructor(private readonly registry: Registry) {}

  record(run: BatchRunFigures, now: number): Record<string, number> {
    const values: Record<string, number> = {
      meetup_batch_documents_scanned: run.documentsScanned,
      meetup_batch_groups_written: run.groupsWritten,
      meetup_batch_events_written: run.eventsWritten,
      meetup_batch_documents_deleted: run.documentsDeleted,
      meetup_batch_duration_seconds: run.durationSeconds,
      meetup_batch_success: run.success ? 1 : 0,
      ...(run.success
        ? { meetup_batch_last_success_timestamp_seconds: Math.floor(now / 1000) }
        : {}),
    };
    for (const [name, value] of Object.entries(values)) {
      new Gauge({
        name,
        help: name.replaceAll('_', ' '),
        labelNames: ['mode'],
        registers: [this.registry],
      })
        .labels(run.mode)
        .set(value);
    }
    return values;
  }

  /** A CronJob ends before Prometheus could scrape it: push instead. */
  async push(url: string): Promise<void> {
    await new Pushgateway(url, {}, this.registry).pushAdd({ jobName: 'meetup_batch' });
  }
}
