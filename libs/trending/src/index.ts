export * from './trend-score';
export * from './pane-sums';
export * from './topic-pane-history';
export * from './trending-rows';
export * from './trending-inputs';
export * from './trending-row-steps';
