import { readFileSync } from 'node:fs';
import { partitionOf } from './aggregation-harness';
import type { ProducedRecord } from './reference';
import { syntheticStream } from './synthetic-stream';

export function recordedInput(file: string): ProducedRecord[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((value) => ({ partition: partitionOf(value), value }));
}

export function syntheticInput(records = 100_000, seed = 42): ProducedRecord[] {
  return syntheticStream({
    seed,
    records,
    startMtime: Date.UTC(2024, 4, 1, 12),
    ratePerSecond: 100,
    resendShare: 0.15,
    changeShare: 0.05,
    reorderShare: 0.15,
    lateShare: 0.005,
  }).map(producedRecord);
}

/** An RSVP as produced to the topic: its JSON, in the partition its key goes to. */
export function producedRecord(rsvp: object): ProducedRecord {
  const value = JSON.stringify(rsvp);
  return { partition: partitionOf(value), value };
}
