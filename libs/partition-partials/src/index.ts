export * from './partition-partials';
