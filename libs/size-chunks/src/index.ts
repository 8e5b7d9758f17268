/** Splitting a sequence into requests bounded by size (bulk requests, produce requests). */
export * from './chunk-by-size';
