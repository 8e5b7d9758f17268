export * from './rsvp-document';
