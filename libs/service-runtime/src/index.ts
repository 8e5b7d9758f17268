export * from './readiness-check';
export * from './health.controller';
export * from './metrics.controller';
export * from './service-runtime.module';
export * from './run-http-service';
export * from './run-main';
export * from './boot-service';
export * from './background-work.module';
