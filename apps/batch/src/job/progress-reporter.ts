import { SingleBar, Presets } from 'cli-progress';
import { ProgressTracker } from '@meetup/batch-stats';
import type { Logger } from '@meetup/observability';

export interface ProgressReporterOptions {
  logger: Logger;
  /** A progress bar on a terminal; structured log lines otherwise. */
  interactive: boolean;
  intervalMs: number;
  now?: () => number;
}

/**
 * Reports one phase at a time: done/total (groups or events), rate and ETA,
 * plus the RSVPs scanned, as a bar on a terminal or as `batch progress` log
 * lines every interval.
 */
export class ProgressReporter {
  private tracker: ProgressTracker | undefined;
  private bar: SingleBar | undefined;
  private timer: NodeJS.Timeout | undefined;
  private rsvps = 0;
  private readonly now: () => number;

  constructor(private readonly options: ProgressReporterOptions) {
    this.now = options.now ?? Date.now;
  }

  start(phase: string, total: number): void {
    this.finish();
    this.tracker = new ProgressTracker(phase, total, this.now());
    this.rsvps = 0;
    if (this.options.interactive) {
      this.bar = new SingleBar(
        {
          format: `${phase} [{bar}] {percentage}% | {value}/{total} | {rate}/s | ETA {eta_formatted}`,
          etaBuffer: 50,
        },
        Presets.shades_classic,
      );
      this.bar.start(total, 0, { rate: 0 });
    } else {
      this.timer = setInterval(() => {
        this.log();
      }, this.options.intervalMs);
      this.timer.unref();
    }
  }

  /** Total may only be known approximately at the start; it is corrected as it becomes known. */
  setTotal(total: number): void {
    this.tracker?.setTotal(total);
    this.bar?.setTotal(total);
  }

  advance(units: number, rsvps: number): void {
    this.rsvps += rsvps;
    this.tracker?.advance(units);
    if (this.bar && this.tracker) {
      const snapshot = this.tracker.snapshot(this.now());
      if (snapshot.total > this.bar.getTotal()) this.bar.setTotal(snapshot.total);
      this.bar.update(snapshot.done, { rate: snapshot.rate });
    }
  }

  /** Ends the current phase with a last line. */
  finish(): void {
    if (!this.tracker) return;
    clearInterval(this.timer);
    this.bar?.stop();
    this.bar = undefined;
    if (!this.options.interactive) this.log();
    this.tracker = undefined;
  }

  private log(): void {
    if (!this.tracker) return;
    this.options.logger.info(
      { ...this.tracker.snapshot(this.now()), rsvpsScanned: this.rsvps },
      'batch progress',
    );
  }
}
