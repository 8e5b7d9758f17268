export * from './fault-plan';
export * from './fault-proxy';
