export * from './url-guard';
export * from './signature';
export * from './body-template';
export * from './webhook-sender';
