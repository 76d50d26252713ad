export * from './connection.js';
export * from './models.js';
export * from './workflow-reader.js';
