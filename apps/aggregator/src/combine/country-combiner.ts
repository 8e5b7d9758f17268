import type { Client } from '@elastic/elasticsearch';
import { countryInfo } from '@meetup/country-info';
import { bucketStart } from '@meetup/windowing';
import type { BulkWriter } from '@meetup/elasticsearch';
import type { WindowsConfig } from '../config/aggregator.config';
import type { AggregatorMetrics } from '../aggregator.metrics';
import { activityReach, countryBucketRows } from './activity-queries';
import type { CombineStage, PhaseLaps } from './combine-loop';
import type { StageProgress, StageProgressStore } from './stage-progress';
import type { StreamPosition } from './stream-position';
import { WrittenDocuments, type AggregateDocument } from './written-documents';

export interface CountryCombinerOptions {
  es: Client;
  writer: BulkWriter;
  /** Where the partitions' snapshots stand, their activity made searchable. */
  position: () => Promise<StreamPosition>;
  metrics: AggregatorMetrics;
  progress: StageProgressStore;
  windows: WindowsConfig;
  /** Read pattern of the counted activity's partitions. */
  activity: string;
  byCountry: string;
  /** Counted messages one cycle reads at most past the last final bucket. */
  activityBudget: number;
}

/**
 * Responses by country: recomputes every bucket not final yet from the
 * counted activity of all partitions and overwrites the documents that
 * changed. Cheap (one composite aggregation over the open buckets), so it
 * runs on its own short interval and open buckets stay about a second behind.
 */
export class CountryCombiner implements CombineStage {
  readonly name = 'country';
  private readonly written = new WrittenDocuments();

  constructor(private readonly options: CountryCombinerOptions) {}

  reset(): void {
    this.options.progress.forget();
    this.written.clear();
  }

  async cycle(keepGoing: () => Promise<boolean>, laps: PhaseLaps): Promise<boolean> {
    const { es, windows, activity } = this.options;
    const size = windows.countryBucketMs;
    const { progress, stamp } = await this.options.progress.begin();
    const position = await this.options.position();
    const { closedBefore } = position;
    // How far this cycle reads: everything, unless a backlog is over the budget.
    const reach = await activityReach(
      es,
      activity,
      progress.final_before,
      this.options.activityBudget,
      size,
    );
    const sliced = Number.isFinite(reach);
    laps.lap('state');
    const rows = await countryBucketRows(es, activity, progress.final_before, reach, size);
    laps.lap('read');
    const updatedAt = new Date().toISOString();
    const documents: AggregateDocument[] = rows.map((row) => {
      const info = countryInfo(row.country);
      const bucketEnd = row.bucketStart + size;
      return {
        index: this.options.byCountry,
        id: `${row.bucketStart}:${row.country}:${row.response}`,
        version: stamp,
        ref: null,
        doc: {
          bucket_start: row.bucketStart,
          bucket_end: bucketEnd,
          country: row.country,
          ...(info ? { country_name: info.name, continent: info.continent } : {}),
          ...(info?.location ? { location: info.location } : {}),
          response: row.response,
          responses: row.responses,
          guests: row.guests,
          attendees: row.attendees,
          final: bucketEnd <= closedBefore,
          updated_at: updatedAt,
        },
      };
    });
    await this.options.writer.write('aggregates', this.written.changed(documents), {
      keepGoing,
      refresh: true,
    });
    laps.lap('write');
    const finalBefore = Number.isFinite(closedBefore)
      ? Math.max(progress.final_before, Math.min(bucketStart(closedBefore, size), reach))
      : progress.final_before;
    const next: StageProgress = {
      ...progress,
      final_before: finalBefore,
      // A slice covers part of what the snapshots hold: it does not include their offsets yet.
      offsets: sliced ? progress.offsets : position.offsets,
      stamp,
      updated_at: new Date().toISOString(),
    };
    await this.options.progress.save(next);
    laps.lap('progress');
    this.options.metrics.openWindows.set(
      { kind: 'country_bucket' },
      documents.filter((d) => !d.doc.final).length,
    );
    // Another slice is ready only if this one moved the final mark
    // (the watermark, not the budget, may be what holds it).
    return sliced && finalBefore > progress.final_before;
  }
}
