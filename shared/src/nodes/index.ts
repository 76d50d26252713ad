export * from './define-node.js';
export * from './triggers.js';
export * from './agents.js';
export * from './utilities.js';
export * from './actions.js';
export * from './registry.js';
