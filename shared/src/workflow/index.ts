export * from './route-next-step.js';
export * from './template.js';
export * from './validate-workflow.js';
export * from './limits.js';
export * from './senders.js';
export * from './side-effects.js';
