export * from './retry.js';
export * from './step-runner.js';
export * from './start-runner.js';
