export * from './rsvp-dedup-state';
