import { countryInfo } from '@meetup/country-info';
import type { BulkWriter } from '@meetup/elasticsearch';
import type { WindowsConfig } from '../config/aggregator.config';
import type { AggregatorMetrics } from '../aggregator.metrics';
import type { CombineStage, PhaseLaps } from './combine-loop';
import type { CountryBucketRow, CountryBuckets } from './partial-queries';
import { nextFinalBefore, type StageProgress, type StageProgressStore } from './stage-progress';
import type { StreamPosition } from './stream-position';
import { WrittenDocuments, type AggregateDocument } from './written-documents';

export interface CountryCombinerOptions {
  /** The bulk writer (`BulkWriter`). */
  writer: Pick<BulkWriter, 'write'>;
  /** Where the partitions' snapshots stand, their partials made searchable. */
  position: () => Promise<StreamPosition>;
  metrics: AggregatorMetrics;
  progress: StageProgressStore;
  windows: WindowsConfig;
  /** The counts of all partitions (their partial documents). */
  buckets: CountryBuckets;
  byCountry: string;
  /** Partial documents one cycle reads at most past the last final bucket. */
  readBudget: number;
}

export interface CountryDocumentsContext {
  index: string;
  bucketMs: number;
  /** The cycle's stamp: the documents' external version. */
  stamp: number;
  /** Buckets ending at or before this are final. */
  closedBefore: number;
  updatedAt: string;
}

/** The by-country documents of a cycle's rows, with the country's name, continent and location. */
export function countryDocumentsOf(
  rows: readonly CountryBucketRow[],
  context: CountryDocumentsContext,
): AggregateDocument[] {
  return rows.map((row) => {
    const info = countryInfo(row.country);
    const bucketEnd = row.bucketStart + context.bucketMs;
    return {
      index: context.index,
      id: `${row.bucketStart}:${row.country}:${row.response}`,
      version: context.stamp,
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
        final: bucketEnd <= context.closedBefore,
        updated_at: context.updatedAt,
      },
    };
  });
}

/**
 * Responses by country: recomputes every bucket not final yet as the sum of
 * the partitions' partial documents and overwrites the documents that
 * changed. Cheap (partitions × open buckets documents), so it runs on its own
 * short interval and open buckets stay about a second behind.
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
    const { windows, buckets } = this.options;
    const size = windows.countryBucketMs;
    const { progress, stamp } = await this.options.progress.begin();
    const position = await this.options.position();
    const { closedBefore } = position;
    // How far this cycle reads: everything, unless a backlog is over the budget.
    const reach = await buckets.reach(progress.final_before, this.options.readBudget, size);
    const sliced = Number.isFinite(reach);
    laps.lap('state');
    const rows = await buckets.rows(progress.final_before, reach);
    laps.lap('read');
    const documents = countryDocumentsOf(rows, {
      index: this.options.byCountry,
      bucketMs: size,
      stamp,
      closedBefore,
      updatedAt: new Date().toISOString(),
    });
    await this.options.writer.write('aggregates', this.written.changed(documents), {
      keepGoing,
      refresh: true,
    });
    laps.lap('write');
    const finalBefore = nextFinalBefore(progress.final_before, closedBefore, reach, size);
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
