import type { BenchPlan } from './bench-plan';

/** How each number of the report is measured: printed under it. */
export function reportDefinitions(plan: BenchPlan): string[] {
  return [
    'ES alone: `helpers.bulk` (5 MB requests, 5 in flight) writing the documents the aggregator’s own ' +
      '`RecordProcessor` makes for the backlog’s records — raw (id = rsvp_id, external version = mtime) ' +
      'and, for “raw + partials”, the partitions’ partial documents in `meetup_rsvp_partials-p<hour>`, ' +
      'written every 1,000 records of a partition (about one backlog fetch) — ' +
      'into scratch indices made from the project’s templates; records/s counts input records.',
    'Backlog: the topic is filled first; the time runs from the aggregator’s start (included) until both ' +
      'combine stages included every record (all outputs) or the snapshots hold every record (raw only). ' +
      'Ratio: backlog records/s ÷ ES-alone records/s of the same documents.',
    'Live steps: every live message is a new RSVP with mtime = its produce time; a tenth of each send ' +
      'are probe records, whose group country is one only that step uses (an uninhabited territory). ' +
      'By-country delay of a probe: the first moment the sum of `responses` of its country in ' +
      'by-country (polled every 50 ms) counts it, minus its produce time — so what an earlier step left ' +
      'behind never counts for a later one.',
    `Trending per record: a record of mtime m is first in the window ending E = (⌊m/10 s⌋+1)·10 s; its ` +
      'delay is the first moment a global trending document with window_end ≥ E is visible (polled every ' +
      '100 ms) minus its produce time — so it includes waiting up to one 10 s slide for E to come. Trending ' +
      'per window: E’s visibility minus the produce time of E’s last record (the system’s own delay). The ' +
      'last window of a step (emitted only by a later record) is left out.',
    'Lag: records in the topic not yet included by a combine stage (topic end offsets − the stage’s ' +
      'included snapshot offsets), every 500 ms; snapshots are taken every 5 s (the default), so a ' +
      'steady lag of about 5 s of records is normal. A cycle reads at most COMBINE_READ_BUDGET ' +
      '(2,000) partial documents past its final mark — a partition’s bucket or pane each, so live ' +
      'partitions × the buckets or panes the allowed lateness spans, whatever the rate.',
    `Keeps up: every record visible in by-country within ${plan.drainSeconds} s of the step’s end, ` +
      `by-country p99 ≤ ${plan.p99BoundMs} ms, every trending window written, and neither stage’s lag ` +
      'grown by more than one second of records between the step’s second and last quarter. The ' +
      'highest sustained rate is the highest step that kept up with every lower step keeping up too.',
    'Restart catch-up: from the new process’s start until every probe record produced before it is ' +
      'visible in by-country (also reported: its snapshots holding every such record, and both combine ' +
      'stages including them, `combinedThrough`, given 30 s more). The session timeout of the killed ' +
      'member, 10 s, is part of it.',
    'CPU: utime + stime from /proc/<pid>/stat over each phase; engines are their instance’s JVMs ' +
      '(`-Dmeetup.engines=…/engines/<name>/…`). Peak RSS: the aggregator’s VmRSS sampled every 250 ms ' +
      '(a restarted process from its readiness on).',
    'Seeds: backlog 77, history 11, live 12 (fixed); the aggregator runs with the chart’s heap cap ' +
      '(AGGREGATOR_BENCH_HEAP_MIB), snapshots every 5 s and a 10 s session timeout, as in production.',
  ];
}
