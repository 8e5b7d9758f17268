import type { BenchResults, StepResult } from './bench-results';
import type { DelayStats } from './delay-stats';
import { sustainedRate } from './summary-keys';

const n = (value: number | undefined, digits = 0) =>
  value === undefined
    ? '—'
    : Number.isFinite(value)
      ? value.toLocaleString('en-US', {
          maximumFractionDigits: digits,
          minimumFractionDigits: digits,
        })
      : 'never';
const ms = (value: number) =>
  Number.isFinite(value) ? `${n(value)} ms` : 'never (within the drain)';
const k = (value: number | undefined) => (value === undefined ? '—' : `${n(value / 1000, 1)}k`);
const delays = (d: DelayStats) => `${n(d.p50)} / ${n(d.p99)} / ${n(d.max)}`;

/** The issue's table, measured before (issue #15), beside this run's numbers. */
function headline(r: BenchResults): string[] {
  const liveP99 = (rate: number) => {
    const step = r.steps.find((s) => s.ratePerSecond === rate);
    return step
      ? `p99 ${ms(step.byCountry.p99)}, ${step.keepsUp ? 'keeps up' : 'falls behind'}`
      : '—';
  };
  return [
    '| measure | issue #15 (before) | this run |',
    '|---|---|---|',
    `| ES alone, helpers.bulk raw docs, external versions | 32.7k docs/s | ${k(r.ceilingRaw?.docsPerSecond)} docs/s |`,
    `| ES alone, raw + what else the aggregator writes (before: activity, now: partials) | 19.1k records/s | ${k(r.ceilingAll?.recordsPerSecond)} records/s (${k(r.ceilingAll?.docsPerSecond)} docs/s) |`,
    `| aggregator, ${n(r.backlogRaw?.records)}-record backlog, raw only | 11.4k/s | ${k(r.backlogRaw?.recordsPerSecond)}/s |`,
    `| aggregator, ${n(r.backlogAll?.records)}-record backlog, all outputs | 7.9k/s | ${k(r.backlogAll?.recordsPerSecond)}/s |`,
    `| backlog all outputs ÷ ES alone raw + the rest | 0.42 | ${n(ratio(r.backlogAll?.recordsPerSecond, r.ceilingAll?.recordsPerSecond), 2)} |`,
    `| backlog raw only ÷ ES alone raw | — | ${n(ratio(r.backlogRaw?.recordsPerSecond, r.ceilingRaw?.recordsPerSecond), 2)} |`,
    ...[500, 1_000, 2_000].map(
      (rate) => `| live ${n(rate)}/s after history, by-country | measured | ${liveP99(rate)} |`,
    ),
    `| highest sustained live rate | — | ${r.steps.length > 0 ? `${n(sustainedRate(r))}/s` : '—'} |`,
    `| restart catch-up (${n(r.restart?.downtimeSeconds)} s down at ${n(r.restart?.ratePerSecond)}/s) | — | ${n(r.restart?.catchupSeconds, 1)} s |`,
    `| aggregator peak RSS (heap cap ${r.heapMib} MiB) | — | ${n(r.peakRssMb)} MB |`,
  ];
}

function ratio(a?: number, b?: number): number | undefined {
  return a === undefined || b === undefined ? undefined : a / b;
}

function stepRow(s: StepResult): string {
  const lag = `${n(s.lag.countryMax)} / ${n(s.lag.trendingMax)}`;
  const growth = `${n(s.lag.countryLastQuarter - s.lag.countrySecondQuarter)} / ${n(s.lag.trendingLastQuarter - s.lag.trendingSecondQuarter)}`;
  const verdict = s.keepsUp ? 'yes' : `no: ${s.reasons.join('; ')}`;
  return (
    `| ${n(s.ratePerSecond)} | ${n(s.offeredPerSecond)} | ${delays(s.byCountry)} | ${delays(s.trendingRecord)} | ` +
    `${delays(s.trendingWindow)} | ${lag} | ${growth} | ${n(s.combineMeanMs.country)} / ${n(s.combineMeanMs.trending)} | ${verdict} |`
  );
}

function stepsTable(r: BenchResults): string[] {
  if (r.steps.length === 0) return ['Not run.'];
  return [
    '| rate/s | offered/s | by-country p50 / p99 / max ms | trending per record p50 / p99 / max ms | trending per window p50 / p99 / max ms | lag max, records (country / trending) | lag growth 2nd→4th quarter | combine cycle mean ms (country / trending) | keeps up |',
    '|---|---|---|---|---|---|---|---|---|',
    ...r.steps.map(stepRow),
    '',
    `Stepping stopped: ${r.steppingStopped ?? '—'}. History: ${n(r.history?.records)} records ` +
      `(${n(r.history?.minutes, 1)} min at ${n(r.history?.ratePerSecond)}/s) in the snapshots ` +
      `${n(r.history?.stageOneSeconds)} s after the aggregator started (production overlapping); ` +
      `combine: ${r.history?.settled ?? '—'} after ${n(r.history?.combinedSeconds)} s. Before each step: ` +
      r.steps.map((s) => `${n(s.ratePerSecond)}/s ${s.before}`).join(', ') +
      ' (`stalled`: the stage-1 snapshots hold every record, but the combine stages’ final marks ' +
      'stopped short of including them all — see the lag definition).',
  ];
}

function cpuTable(r: BenchResults): string[] {
  const names = ['aggregator', 'kafka', 'elasticsearch', 'bench'];
  const cell = (phase: BenchResults['cpu'][number], name: string) => {
    const use = phase.cpu[name];
    return use ? `${n(use.seconds, 1)} s (${n(use.cores, 2)})` : '—';
  };
  return [
    `| phase | wall s | ${names.join(' | ')} |`,
    `|---|---|${names.map(() => '---|').join('')}`,
    ...r.cpu.map(
      (p) =>
        `| ${p.phase} | ${n(p.wallSeconds, 1)} | ${names.map((name) => cell(p, name)).join(' | ')} |`,
    ),
  ];
}

function restartLines(r: BenchResults): string[] {
  const s = r.restart;
  if (!s) return ['Not run.'];
  const combined =
    s.combinedSeconds === null
      ? 'both combine stages had not included every record 30 s later'
      : `both combine stages included every record after ${n(s.combinedSeconds, 1)} s`;
  return [
    `SIGKILL after the history and the steps, ${n(s.downtimeSeconds)} s down while ${n(s.ratePerSecond)}/s ` +
      `went on (${n(s.backlogRecords)} records waiting), restarted: ready after ${n(s.readySeconds, 1)} s; ` +
      `of the records produced before the restart, all in the snapshots after ${n(s.stageOneSeconds, 1)} s, ` +
      `all visible in by-country (probe records) after **${n(s.catchupSeconds, 1)} s**; ${combined} ` +
      `(peak RSS of the restarted process ${n(s.peakRssMb)} MB).`,
  ];
}

/** The whole Markdown report. */
export function markdownReport(r: BenchResults, definitions: readonly string[]): string {
  return [
    `# Aggregator benchmark (${r.startedAt})`,
    '',
    `\`make bench\`, scale ${r.scale}, ${n(r.wallSeconds)} s wall. Chart: latest.png (delay and lag against offered rate).`,
    '',
    ...headline(r),
    '',
    '## Live rates after history',
    '',
    ...stepsTable(r),
    '',
    '## Restart catch-up',
    '',
    ...restartLines(r),
    '',
    '## CPU per process (CPU seconds, and cores busy on average)',
    '',
    ...cpuTable(r),
    '',
    '## Plan: what was scaled against issue #15',
    '',
    ...r.scaled.map((line) => `- ${line}`),
    '',
    '## Definitions',
    '',
    ...definitions.map((line) => `- ${line}`),
    '',
  ].join('\n');
}
