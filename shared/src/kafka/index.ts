export * from './client.js';
export * from './codec.js';
export * from './concurrency.js';
export * from './consumer-runtime.js';
export * from './dead-letter.js';
export * from './handlers.js';
export * from './publisher.js';
