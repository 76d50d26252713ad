import type { HandlerMap } from '@botwot/shared/kafka';
import type { Claims } from '../claims.js';
import type { WorkflowSource } from '../workflow-cache.js';
import { createExecutionRequestedHandler } from './execution-requested.js';
import { createStepCompletedHandler, createStepFailedHandler } from './step-result.js';
import { createTriggerReceivedHandler } from './trigger-received.js';

export interface OrchestratorDeps {
  workflows: WorkflowSource;
  claims: Claims;
  executionTimeoutMs: number;
  now: () => number;
}

/** Every event the orchestrator reacts to. */
export function createHandlers(deps: OrchestratorDeps): HandlerMap {
  return {
    'execution.requested': createExecutionRequestedHandler(deps),
    'trigger.received': createTriggerReceivedHandler(deps),
    'step.completed': createStepCompletedHandler(deps),
    'step.failed': createStepFailedHandler(deps),
  };
}
