import type { Rsvp } from './rsvp.schema';

/** People who will attend: the member plus guests for a `yes`, nobody for a `no`. */
export function attendeesOf(rsvp: Pick<Rsvp, 'response' | 'guests'>): number {
  return rsvp.response === 'yes' ? rsvp.guests + 1 : 0;
}

/** Kafka key of a record in `meetup.rsvps`: all RSVPs of one event share a partition. */
export function kafkaKeyOf(rsvp: Pick<Rsvp, 'event'>): string {
  return rsvp.event.event_id;
}
