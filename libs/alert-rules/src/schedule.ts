import { CronExpressionParser } from 'cron-parser';
import { durationMs } from './duration';
import type { Rule } from './rule.schema';

/** Whether a rule's trigger is due at `now`, given when it last ran (all times in ms, cron in UTC). */
export function isDue(
  trigger: Rule['trigger'],
  lastRunAt: number | undefined,
  now: number,
): boolean {
  if (lastRunAt === undefined) return true;
  if ('interval' in trigger) return now - lastRunAt >= durationMs(trigger.interval);
  const previousFire = CronExpressionParser.parse(trigger.cron, {
    // prev() is strictly before currentDate: a fire time equal to now counts.
    currentDate: new Date(now + 1),
    tz: 'UTC',
  })
    .prev()
    .getTime();
  return previousFire > lastRunAt;
}

/** Whether a cron expression parses; the rule schema reports it on the `trigger.cron` field. */
export function isValidCron(expression: string): boolean {
  try {
    CronExpressionParser.parse(expression, { tz: 'UTC' });
    return true;
  } catch {
    return false;
  }
}
