import { resumeStateSchema, type ResumeState } from '@botwot/shared/events';
import { ApiError } from '../errors.js';
import type { StartRequest } from '../start-execution.js';
import type { ExecutionView } from '../stores/execution-store.js';

export interface RetryOptions {
  from: 'start' | 'failed_step';
  version: 'original' | 'latest';
}

/** What a retry of `original` starts with, shared by the single and the bulk retry; 409 when it cannot be retried so. */
export function retryStartOf(original: ExecutionView & { resumeState?: unknown }, opts: RetryOptions): Pick<StartRequest, 'workflowId' | 'triggerData' | 'mode' | 'version' | 'retryOf'> & { resume?: ResumeState } {
  if (original.status === 'running') throw new ApiError(409, 'EXECUTION_RUNNING', 'the execution is still running');
  const resume = resumeStateSchema.safeParse(original.resumeState);
  if (opts.from === 'failed_step' && (original.status !== 'failed' || !original.failedStepId || !resume.success)) {
    throw new ApiError(409, 'NO_FAILED_STEP', 'only an execution that failed at a step can be retried from that step');
  }
  const atFailedStep = opts.from === 'failed_step' && resume.success;
  return {
    workflowId: original.workflowId,
    triggerData: original.triggerData as Record<string, unknown>,
    mode: original.mode === 'test' ? 'test' : 'live',
    version: opts.version === 'original' ? original.version : undefined,
    retryOf: atFailedStep ? { executionId: original.executionId, from: 'failed_step', resumeStepId: original.failedStepId as string, resume: resume.data } : { executionId: original.executionId, from: 'start' },
    ...(atFailedStep ? { resume: resume.data } : {}),
  };
}
