export * from './logger';
export * from './metrics';
export * from './tracing';
export * from './dependency-status';
export * from './process-warnings';
