export * from './tenant-ids.js';
export * from './envelope.js';
export * from './step-definition.js';
export * from './catalog.js';
export * from './topics.js';
export * from './parse.js';
export * from './ids.js';
export * from './variables.js';
