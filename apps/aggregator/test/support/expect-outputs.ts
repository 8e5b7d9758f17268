import type { OutputDocs, TrendDoc } from './aggregation-harness';
import type { Reference, TrendRow } from './reference';

const close = (a: number, b: number) =>
  Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

function differences<A, B>(
  actual: ReadonlyMap<string, A>,
  expected: ReadonlyMap<string, B>,
  same: (a: A, b: B) => boolean,
): string[] {
  const out: string[] = [];
  for (const [id, want] of expected) {
    const got = actual.get(id);
    if (got === undefined) out.push(`missing ${id}: ${JSON.stringify(want)}`);
    else if (!same(got, want))
      out.push(`differs ${id}: got ${JSON.stringify(got)} want ${JSON.stringify(want)}`);
  }
  for (const [id, got] of actual) {
    if (!expected.has(id)) out.push(`unexpected ${id}: ${JSON.stringify(got)}`);
  }
  return out.slice(0, 10);
}

const sameTrend = (a: TrendDoc, b: TrendRow) =>
  a.count === b.count &&
  a.rank === b.rank &&
  a.topic_name === b.name &&
  close(a.score, b.score) &&
  close(a.baseline_mean, b.mean) &&
  close(a.baseline_stddev, b.stddev);

/** Every one of the five outputs equals the reference computed from the input. */
export function expectOutputsToEqualReference(outputs: OutputDocs, reference: Reference): void {
  expect(
    differences(
      outputs.raw,
      reference.raw,
      (a, b) => a.mtime === b.mtime && a.response === b.response && a.guests === b.guests,
    ),
  ).toEqual([]);
  expect(
    differences(
      outputs.byCountry,
      reference.byCountry,
      (a, b) => a.responses === b.responses && a.guests === b.guests && a.attendees === b.attendees,
    ),
  ).toEqual([]);
  expect(differences(outputs.globalTrending, reference.globalTrending, sameTrend)).toEqual([]);
  expect(differences(outputs.countryTrending, reference.countryTrending, sameTrend)).toEqual([]);
}
