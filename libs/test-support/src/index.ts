export * from './test-engines';
export * from './unique-name';
export * from './service-process';
export * from './engine-control';
