export * from './topics';
export * from './indices';
export * from './rsvp.schema';
export * from './rsvp-validator';
export * from './rsvp-derived';
export * from './dead-letter';
