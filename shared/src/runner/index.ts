export * from './retry.js';
export * from './step-runner.js';
