import type { SyntheticRsvpStream } from '@meetup/rsvp-synthetic';
import type { Admin, Producer } from 'kafkajs';
import type { AggregationHarness } from '../test/support/aggregation-harness';
import type { BenchPlan } from './bench-plan';
import type { PhaseCpu } from './bench-results';
import type { ProcessGroups } from './process-meter';
import { settleAggregator, type Settled } from './stream-progress';
import type { ProbeTarget } from './visibility-probe';

/** What the live phase's parts share: one harness, its aggregator, one producer and stream. */
export interface LiveContext {
  plan: BenchPlan;
  harness: AggregationHarness;
  admin: Admin;
  producer: Producer;
  /** The live stream, continued from step to step (its rsvp_ids never repeat). */
  stream: SyntheticRsvpStream;
  groups: ProcessGroups;
  cpu: PhaseCpu[];
  /** The aggregator's environment beyond the harness's (heap cap, production intervals). */
  aggregatorEnv: Record<string, string>;
}

export function probeTarget(context: LiveContext): ProbeTarget {
  const { harness, admin } = context;
  return {
    es: harness.es,
    admin,
    prefix: harness.prefix,
    group: harness.group,
    topic: harness.topic,
  };
}

/** The running aggregator's base URL (the newest one). */
export function aggregatorUrl(context: LiveContext): string {
  const service = context.harness.services.at(-1);
  if (!service) throw new Error('no aggregator runs');
  return service.baseUrl;
}

/** Waits at most `seconds` until the aggregator did what it can with the records so far. */
export function settle(context: LiveContext, seconds: number): Promise<Settled> {
  return settleAggregator(probeTarget(context), seconds);
}
