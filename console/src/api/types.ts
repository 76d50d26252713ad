/**
 * The shapes the console reads from the gateway's public API. They follow the REST contract in
 * the README; fields the console does not show are left out, and everything the server may omit
 * is optional, so an older or newer gateway degrades to less detail instead of a crash.
 */

export type ExecutionStatus = 'running' | 'completed' | 'failed' | 'cancelled';
export type StatusFilter = ExecutionStatus | 'all';
export type DateRange = '24h' | '7d' | '30d' | 'all';

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  limit: number;
  pages: number;
}

export interface WorkflowSummary {
  id: string;
  name: string;
  description?: string;
  status: 'active' | 'archived';
  version: number;
  triggerType?: string;
  updatedAt?: string;
}

export interface RouteCondition {
  field: string;
  equals?: string | number | boolean;
  notEquals?: string | number | boolean;
  in?: Array<string | number | boolean>;
  exists?: boolean;
}

export interface Step {
  stepId: string;
  stepType: string;
  config: Record<string, unknown>;
  nextStepId?: string | null;
  routes?: Array<{ when: RouteCondition; nextStepId: string }>;
  onFailureStepId?: string | null;
  timeoutMs?: number;
}

export interface Workflow {
  id: string;
  name: string;
  description?: string;
  status: 'active' | 'archived';
  version: number;
  latestVersion: number;
  steps: Step[];
  updatedAt?: string;
}

export interface ValidationResult {
  valid: boolean;
  errors: Array<{ stepId?: string; message: string }>;
}

export interface StepErrorInfo {
  code: string;
  message: string;
  kind?: string;
  provider?: string;
  stepId?: string;
}

export interface Execution {
  executionId: string;
  workflowId: string;
  version: number;
  mode?: 'live' | 'test';
  status: ExecutionStatus;
  triggerData?: Record<string, unknown>;
  finalOutput?: Record<string, unknown>;
  totalDuration?: number;
  startedAt: string;
  completedAt?: string;
  error?: StepErrorInfo;
  errorMessage?: string;
  failedStepId?: string;
  cancelReason?: string;
  cancelledBy?: string;
  retryOf?: { executionId: string; from?: string };
}

export interface StepTry {
  at: string;
  ok: boolean;
  error?: string;
  durationMs: number;
}

export interface StepLog {
  stepId: string;
  stepType: string;
  nodeType?: string;
  stepOrder: number;
  status: 'running' | 'completed' | 'failed';
  input?: unknown;
  output?: unknown;
  error?: StepErrorInfo;
  errorMessage?: string;
  attempts?: number;
  tries?: StepTry[];
  startedAt: string;
  completedAt?: string;
  duration?: number;
  note?: string;
}

export interface ExecutionDetail {
  execution: Execution;
  logs: StepLog[];
}

export type RetryFrom = 'start' | 'failed_step';
export type RetryVersion = 'original' | 'latest';

/** One execution in a bulk retry's answer (the dry run's preview, or what a real run started). */
export interface RetryPlan {
  executionId: string;
  stepsToRun: Array<{ stepId: string; stepType?: string; nodeType?: string }>;
  /** the messages, emails, calls and CRM writes the steps would send again */
  sideEffects: Array<{ stepId: string; channel: string; to: string; summary: string }>;
  newExecutionId?: string;
  /** what the preview could not know (an agent may answer otherwise on the rerun) */
  notes?: string[];
  /** why this execution would not be retried */
  error?: { code: string; message: string };
}

export interface DeadLetter {
  /** `<partition>:<offset>` on the dead-letter topic */
  id: string;
  /** the topic it was consumed from */
  topic: string;
  reason: string;
  /** when it was dead-lettered (ISO) */
  at?: string;
  /** the service that dead-lettered it */
  service?: string;
  eventType?: string;
  executionId?: string;
}
