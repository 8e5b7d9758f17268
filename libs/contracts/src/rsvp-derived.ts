import type { Rsvp } from './rsvp.schema';

/** People who will attend: the member plus guests for a `yes`, nobody for a `no`. */
export function attendeesOf(rsvp: Pick<Rsvp, 'response' | 'guests'>): number {
  return rsvp.response === 'yes' ? rsvp.guests + 1 : 0;
}
