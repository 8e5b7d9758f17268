/** Retry timing shared by every service: bounded exponential backoff with jitter, abortable waits. */
export * from './backoff';
export * from './sleep';
