import { createHash } from 'node:crypto';

/**
 * Every deterministic id the engine makes, in one place. Handling the same input twice must yield
 * the same ids, so a redelivered message changes nothing downstream (event ids, log rows, claims,
 * the idempotency keys providers dedupe on).
 */
export const ids = {
  /** the execution a trigger event starts for one workflow: the same event always maps to the same id */
  executionForTrigger: (orgId: string, triggerEventId: string, workflowId: string) =>
    `trg-${createHash('sha256').update(`${orgId}\0${triggerEventId}\0${workflowId}`).digest('hex').slice(0, 32)}`,

  requestedEvent: (executionId: string) => `${executionId}:requested`,
  startedEvent: (executionId: string) => `${executionId}:started`,
  commandEvent: (executionId: string, stepId: string, stepOrder: number) => `${executionId}:${stepId}:${stepOrder}:command`,
  resultEvent: (executionId: string, stepId: string, stepOrder: number) => `${executionId}:${stepId}:${stepOrder}:result`,
  recordedEvent: (executionId: string, stepId: string, stepOrder: number) => `${executionId}:${stepId}:${stepOrder}:recorded`,
  completedEvent: (executionId: string) => `${executionId}:completed`,
  failedEvent: (executionId: string) => `${executionId}:failed`,
  cancelRequestedEvent: (executionId: string) => `${executionId}:cancel-requested`,
  cancelledEvent: (executionId: string) => `${executionId}:cancelled`,
  /** the deadline sweeper's ending: fixed per execution, so every sweeper instance sends the same one */
  deadlineEvent: (executionId: string) => `${executionId}:deadline`,

  /** `_id` of a step's log row */
  logRow: (executionId: string, stepOrder: number) => `${executionId}:${stepOrder}`,

  /**
   * What a side-effecting step passes to the provider. A step runs at most once per execution (no
   * cycles), so the execution and step identify the send; every retry and redelivery reuses it.
   */
  idempotencyKey: (executionId: string, stepId: string) => `${executionId}:${stepId}`,

  /** the orchestrator's claims: a start, a trigger event, and each step of an execution */
  startClaim: (executionId: string) => `execution:${executionId}`,
  triggerClaim: (orgId: string, triggerEventId: string) => `trigger:${orgId}:${triggerEventId}`,
  progressClaim: (executionId: string, stepOrder: number) => `step:${executionId}:${stepOrder}`,
  cancelClaim: (executionId: string) => `cancel:${executionId}`,
} as const;
