export * from './kafka-client';
export * from './topic-admin';
export * from './kafka-readiness';
export * from './kafka-failure';
export * from './topic-prerequisites';
export * from './request-queue-fix';
export * from './request-size';
