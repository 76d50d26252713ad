export * from './connection.js';
export * from './models.js';
export * from './workflow-reader.js';
export * from './execution-pages.js';
export * from './storable.js';
export * from './day-buckets.js';
export * from './lookup-indexes.js';
