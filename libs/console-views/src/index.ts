export * from './live-views';
export * from './live-query';
export * from './by-country-model';
export * from './trending-model';
export * from './epoch-ms';
