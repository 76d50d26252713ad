export * from './connection.js';
export * from './models.js';
export * from './workflow-reader.js';
export * from './lookup-indexes.js';
