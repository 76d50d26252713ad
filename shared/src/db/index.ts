export * from './connection.js';
export * from './models.js';
export * from './workflow-reader.js';
export * from './security-models.js';
export * from './channel-owners.js';
