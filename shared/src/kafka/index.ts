export * from './client.js';
export * from './codec.js';
export * from './consumer/run-consumer.js';
export * from './dead-letter.js';
export * from './handlers.js';
export * from './publisher.js';
export * from './split-by-size.js';
export { decodeMessage } from './consumer/decode.js';
export { transactionalCommitter } from './consumer/committer.js';
