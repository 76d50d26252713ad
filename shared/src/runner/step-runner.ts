import { createEvent, DEFAULT_STEP_TIMEOUT_MS, TOPICS, type EventOf, type ExecutionMode } from '../events/index.js';
import { nonRetryable, StepError } from '../errors/index.js';
import type { Handler } from '../kafka/handlers.js';
import type { Outgoing } from '../kafka/publisher.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { parseNodeConfig, renderConfig, type NodeConfig, type NodeKey, type TemplateScope } from '../workflow/index.js';
import { DEFAULT_RETRY, runWithRetry } from './retry.js';

type StepCommand = EventOf<'step.command'>;

/** What a node executor gets for one try of one step. */
export interface NodeCall<C> {
  /** the step's config, validated and with every template rendered */
  config: C;
  scope: TemplateScope;
  executionId: string;
  orgId: string;
  stepId: string;
  /** `${executionId}:${stepId}:${attempt}`: passed to providers that dedupe on it */
  idempotencyKey: string;
  mode: ExecutionMode;
  /** aborts at the step's deadline */
  signal: AbortSignal;
  logger: Logger;
}

/** Runs one node type; throws StepError to say whether a retry can help. */
export type NodeExecutor<K extends NodeKey> = (call: NodeCall<NodeConfig<K>>) => Promise<Record<string, unknown>>;
export type NodeExecutors = { [K in NodeKey]?: NodeExecutor<K> };

/**
 * The `step.command` handler every runner shares: validate the config against the node type,
 * render its templates, run the node's executor under the step's deadline and retry policy, and
 * answer with `step.completed` or `step.failed` (deterministic ids, so a redelivery changes nothing).
 */
export function createStepCommandHandler(deps: { executors: NodeExecutors; metrics: Metrics; now?: () => number }): Handler<StepCommand> {
  const now = deps.now ?? Date.now;
  return async (command, ctx) => {
    const { step, state, attempt } = command.data;
    const executionId = command.executionId as string;
    const logger = ctx.logger.child({ executionId, stepId: step.stepId, nodeType: command.data.nodeType });
    const started = now();
    const deadline = Math.min(started + (step.timeoutMs ?? DEFAULT_STEP_TIMEOUT_MS), Date.parse(state.deadlineAt));
    const scope: TemplateScope = { vars: state.vars, steps: state.steps };

    const base = {
      stepId: step.stepId,
      stepType: command.data.stepType,
      nodeType: command.data.nodeType,
      attempt,
      state,
    };
    const finish = (input: Record<string, unknown>, outcome: { output: Record<string, unknown> } | { error: StepError }, tries: { at: string; ok: boolean; error?: string; durationMs: number }[]): Outgoing[] => {
      const completedAt = now();
      const timing = { startedAt: new Date(started).toISOString(), completedAt: new Date(completedAt).toISOString(), durationMs: completedAt - started };
      const status = 'output' in outcome ? 'completed' : 'failed';
      deps.metrics.stepDuration.observe({ node_type: command.data.nodeType, status }, (completedAt - started) / 1000);
      const eventId = `${executionId}:${step.stepId}:${attempt}:result`;
      const event =
        'output' in outcome
          ? createEvent('step.completed', { orgId: command.orgId, executionId, eventId, data: { ...base, ...timing, input, tries, output: outcome.output } })
          : createEvent('step.failed', { orgId: command.orgId, executionId, eventId, data: { ...base, ...timing, input, tries, error: outcome.error.toInfo(step.stepId) } });
      return [{ topic: TOPICS.stepResults, key: executionId, event }];
    };

    const parsed = parseNodeConfig(step);
    if (!parsed.ok) return finish(step.config, { error: nonRetryable('INVALID_CONFIG', parsed.problems.join('; ')) }, []);
    const executor = deps.executors[parsed.key] as NodeExecutor<NodeKey> | undefined;
    if (!executor) return finish(step.config, { error: nonRetryable('UNSUPPORTED_NODE', `this runner does not run ${parsed.key}`) }, []);

    const rendered = renderConfig(parsed.config as Record<string, unknown>, scope);
    const input: Record<string, unknown> = { ...rendered.value };
    if (rendered.missing.length > 0) {
      // The seed leaves unknown placeholders as written; we do the same, and say so in the log row.
      input.missingVariables = rendered.missing;
      logger.warn({ missing: rendered.missing }, 'template variables not found; left as written');
    }
    if (started >= deadline) return finish(input, { error: new StepError({ kind: 'non_retryable', code: 'EXECUTION_TIMEOUT', message: 'execution deadline passed before the step started' }) }, []);

    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), deadline - started);
    try {
      const result = await runWithRetry(
        () =>
          executor({
            config: rendered.value as never,
            scope,
            executionId,
            orgId: command.orgId,
            stepId: step.stepId,
            idempotencyKey: `${executionId}:${step.stepId}:${attempt}`,
            mode: state.mode,
            signal: controller.signal,
            logger,
          }),
        { policy: { ...DEFAULT_RETRY, ...step.retry }, signal: controller.signal, deadline },
      );
      if (result.ok) return finish(input, { output: result.value }, result.tries);
      logger.warn({ code: result.error.code, provider: result.error.provider, tries: result.tries.length }, 'step failed');
      return finish(input, { error: result.error }, result.tries);
    } finally {
      clearTimeout(timer);
    }
  };
}
