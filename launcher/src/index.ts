export * from './dev-token.js';
export * from './services.js';
export * from './system.js';
