export * from './elasticsearch-client';
export * from './index-bootstrap';
export type { IndexLayoutOptions } from './index-template';
export * from './time-partitioned-index';
export * from './time-partitions';
export * from './templates/index-spec';
export * from './templates/field-types';
export * from './templates/analytics-templates';
