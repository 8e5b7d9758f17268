export * from './config-error';
export * from './env-types';
export * from './parse-env';
export * from './sections';
export * from './build-config';
