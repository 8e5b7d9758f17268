export * from './trend-score';
