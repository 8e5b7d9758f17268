export * from './test-engines';
export * from './unique-name';
export * from './service-process';
export * from './engine-control';
export * from './test-certificates';
export * from './secure-kafka';
export * from './polling';
