/**
 * RSVP validation cost per recorded message (µs/record): the reference path (the thorough
 * strict-JSON walk and zod's own parser, `fastPaths: false`, i.e. the validator before its fast
 * paths) against the default fast paths, for messages as bytes (what the ingestor and the
 * aggregator pass) and as strings. Rounds alternate between the two so that a busy machine
 * slows both alike; the median and the best round are printed, and JSON.parse alone beside
 * them: the floor that no validation of JSON text goes under.
 * A few seconds in all; asserts nothing. BENCH_ROUNDS overrides the 15 rounds.
 * Run: `BENCH=rsvp-validation tools/bench.sh` (it needs no engines).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { RsvpValidator } from '../src/rsvp-validator';

/** The recorded Meetup RSVPs beside the repository (what @meetup/fixtures reads in tests). */
const DATA_DIR = resolve(__dirname, '../../../../shared/data');

function recordedMessages(): string[] {
  return readdirSync(DATA_DIR)
    .filter((name) => name.endsWith('.ndjson'))
    .sort()
    .flatMap((name) => readFileSync(resolve(DATA_DIR, name), 'utf8').split('\n'))
    .filter((line) => line.trim() !== '');
}

type Message = string | Buffer;

/** Microseconds per message for one pass of `step` over all of them. */
function pass(messages: readonly Message[], step: (message: Message) => boolean): number {
  const started = process.hrtime.bigint();
  let done = 0;
  for (const message of messages) if (step(message)) done += 1;
  const elapsed = Number(process.hrtime.bigint() - started) / 1000;
  if (done !== messages.length) throw new Error('a recorded message was refused');
  return elapsed / messages.length;
}

interface Timing {
  median: number;
  best: number;
}

function timing(rounds: number[]): Timing {
  const sorted = [...rounds].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)] ?? NaN, best: sorted[0] ?? NaN };
}

/** Each step's timing over `rounds` rounds, the steps taking turns within a round. */
function race(messages: readonly Message[], steps: ((m: Message) => boolean)[], rounds: number) {
  for (let warmup = 0; warmup < 3; warmup++) for (const step of steps) pass(messages, step);
  const runs = steps.map((): number[] => []);
  for (let round = 0; round < rounds; round++)
    steps.forEach((step, index) => runs[index]?.push(pass(messages, step)));
  return runs.map(timing);
}

const shown = (t: Timing) => `${t.median.toFixed(2)} µs/record (best ${t.best.toFixed(2)})`;

const reference = new RsvpValidator({ fastPaths: false });
const fast = new RsvpValidator();
const steps = [
  (message: Message) => reference.validateRaw(message).ok,
  (message: Message) => fast.validateRaw(message).ok,
  (message: Message) => JSON.parse(message.toString()) !== null,
];
const texts = recordedMessages();
const rounds = Number(process.env.BENCH_ROUNDS ?? 15);
console.log(`[contracts] ${texts.length} recorded messages, ${rounds} rounds`);
for (const [label, messages] of [
  ['Buffer', texts.map((text) => Buffer.from(text))],
  ['string', texts],
] as const) {
  const [before, after, parse] = race(messages, steps, rounds);
  if (!before || !after || !parse) continue;
  console.log(`[contracts] validateRaw(${label}) before (reference path): ${shown(before)}`);
  console.log(`[contracts] validateRaw(${label}) after (fast paths):      ${shown(after)}`);
  console.log(
    `[contracts] validateRaw(${label}) speed-up: ${(before.median / after.median).toFixed(2)}x median, ${(before.best / after.best).toFixed(2)}x best; JSON.parse alone ${shown(parse)}`,
  );
}
