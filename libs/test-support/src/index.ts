export * from './test-engines';
export * from './unique-name';
export * from './service-process';
