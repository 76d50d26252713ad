import type { HandlersFor } from '@botwot/shared/kafka';
import type { TOPICS } from '@botwot/shared/events';
import type { ClaimRecord } from '../claims.js';
import type { WorkflowSource } from '../workflow-cache.js';
import { createCancelRequestedHandler } from './cancel-requested.js';
import { createExecutionRequestedHandler } from './execution-requested.js';
import { createStepResultHandler } from './step-result.js';
import { createTriggerReceivedHandler } from './trigger-received.js';

export interface OrchestratorDeps {
  workflows: WorkflowSource;
  executionTimeoutMs: number;
  now: () => number;
}

export type OrchestratorTopic = (typeof TOPICS)['executionRequested' | 'triggerEvents' | 'stepResults'];

/** Every event the orchestrator reacts to. Each handler claims, loads, transitions and emits. */
export function createHandlers(deps: OrchestratorDeps): HandlersFor<OrchestratorTopic, ClaimRecord> {
  const stepResult = createStepResultHandler(deps);
  return {
    'execution.requested': createExecutionRequestedHandler(deps),
    'execution.cancel_requested': createCancelRequestedHandler(deps),
    'trigger.received': createTriggerReceivedHandler(deps),
    'step.completed': stepResult,
    'step.failed': stepResult,
  };
}
