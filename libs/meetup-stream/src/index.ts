/** Client side of the Meetup stream protocol (`/2/rsvps`): HTTP chunked and WebSocket. */
export * from './stream-query';
export * from './line-splitter';
export * from './stream-connection';
