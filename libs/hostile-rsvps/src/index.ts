export * from './hostile-inputs';
