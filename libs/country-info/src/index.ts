export * from './country-info';
