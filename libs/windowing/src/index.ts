export * from './time-buckets';
export * from './partition-watermark';
