export * from './elasticsearch-client';
export * from './index-bootstrap';
export * from './templates/index-spec';
export * from './templates/field-types';
export * from './templates/analytics-templates';
