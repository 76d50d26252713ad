export * from './kafka-runtime.js';
export * from './run-service.js';
export * from './every.js';
