import { createEvent, DEFAULT_STEP_TIMEOUT_MS, ids, TOPICS, variablesOf, type EventOf, type ExecutionMode } from '../events/index.js';
import { nonRetryable, StepError } from '../errors/index.js';
import type { Handler } from '../kafka/handlers.js';
import type { Outgoing } from '../kafka/publisher.js';
import { lazyChild, type Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { nodeRegistry, type NodeConfig, type NodeKey, type NodeRegistry } from '../nodes/registry.js';
import { jsonBytes, LIMITS, renderConfig, TemplateTooLargeError, truncated, type TemplateScope } from '../workflow/index.js';
import { DEFAULT_RETRY, runWithRetry, type Try } from './retry.js';

type StepCommand = EventOf<'step.command'>;

/** What a node executor gets for one try of one step. */
export interface NodeCall<C> {
  /** the step's config, validated and with every template rendered */
  config: C;
  scope: TemplateScope;
  executionId: string;
  orgId: string;
  stepId: string;
  /** ids.idempotencyKey(executionId, stepId): passed to providers that dedupe on it */
  idempotencyKey: string;
  mode: ExecutionMode;
  /** aborts at the step's deadline */
  signal: AbortSignal;
  logger: Logger;
}

/** Runs one node type; throws StepError to say whether a retry can help. */
export type NodeExecutor<K extends NodeKey> = (call: NodeCall<NodeConfig<K>>) => Promise<Record<string, unknown>>;
export type NodeExecutors = { [K in NodeKey]?: NodeExecutor<K> };

type Outcome = { output: Record<string, unknown> } | { error: StepError };

/**
 * The `step.command` handler every runner shares: validate the config against the node type,
 * render its templates within the input limit, run the node's executor under the step's deadline
 * and retry policy, check the output against its limit, and answer with `step.completed` or
 * `step.failed` (deterministic ids, so a redelivery changes nothing).
 */
export function createStepCommandHandler(deps: { executors: NodeExecutors; metrics: Metrics; now?: () => number; maxOutputBytes?: number; registry?: NodeRegistry }): Handler<StepCommand> {
  const registry = deps.registry ?? nodeRegistry;
  const now = deps.now ?? Date.now;
  const outputLimit = Math.min(LIMITS.stepOutputBytes, deps.maxOutputBytes ?? Number.POSITIVE_INFINITY);
  return async (command, ctx) => {
    const { step, state, nodeType, stepType } = command.data;
    const executionId = command.executionId as string;
    const logger = lazyChild(ctx.logger, { stepId: step.stepId, nodeType });
    const started = now();
    const deadline = Math.min(started + (step.timeoutMs ?? DEFAULT_STEP_TIMEOUT_MS), Date.parse(state.deadlineAt));
    const scope: TemplateScope = { vars: variablesOf(state), steps: state.steps };

    const finish = (input: Record<string, unknown>, outcome: Outcome, tries: Try[]): Outgoing[] => {
      const completedAt = now();
      const base = {
        stepId: step.stepId,
        stepType,
        nodeType,
        state,
        input,
        tries,
        startedAt: new Date(started).toISOString(),
        completedAt: new Date(completedAt).toISOString(),
        durationMs: completedAt - started,
      };
      deps.metrics.stepDuration.observe({ node_type: nodeType, status: 'output' in outcome ? 'completed' : 'failed' }, (completedAt - started) / 1000);
      const eventId = ids.resultEvent(executionId, step.stepId, state.stepOrder);
      const event =
        'output' in outcome
          ? createEvent('step.completed', { orgId: command.orgId, executionId, eventId, data: { ...base, output: outcome.output } })
          : createEvent('step.failed', { orgId: command.orgId, executionId, eventId, data: { ...base, error: outcome.error.toInfo(step.stepId) } });
      return [{ topic: TOPICS.stepResults, key: executionId, event }];
    };

    const parsed = registry.parse(step);
    if (!parsed.ok) return finish(step.config, { error: nonRetryable('INVALID_CONFIG', parsed.problems.join('; ')) }, []);
    const executor = (deps.executors as Record<string, NodeExecutor<NodeKey> | undefined>)[parsed.key];
    if (!executor) return finish(step.config, { error: nonRetryable('UNSUPPORTED_NODE', `this runner does not run ${parsed.key}`) }, []);

    let rendered: { value: Record<string, unknown>; missing: string[] };
    try {
      rendered = renderConfig(parsed.config as Record<string, unknown>, scope, { maxBytes: LIMITS.stepInputBytes });
    } catch (error) {
      if (!(error instanceof TemplateTooLargeError)) throw error;
      const message = `the step's config renders to more than ${LIMITS.stepInputBytes} bytes`;
      return finish(step.config, { error: nonRetryable('TEMPLATE_TOO_LARGE', message) }, []);
    }
    const input: Record<string, unknown> = { ...rendered.value };
    if (rendered.missing.length > 0) {
      // Unknown placeholders stay as written; the log row says which.
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
            idempotencyKey: ids.idempotencyKey(executionId, step.stepId),
            mode: state.mode,
            signal: controller.signal,
            logger,
          }),
        { policy: { ...DEFAULT_RETRY, ...step.retry }, signal: controller.signal, deadline },
      );
      if (!result.ok) {
        logger.warn({ code: result.error.code, provider: result.error.provider, tries: result.tries.length }, 'step failed');
        return finish(input, { error: result.error }, result.tries);
      }
      const bytes = jsonBytes(result.value);
      if (bytes > outputLimit) {
        logger.warn({ bytes, limit: outputLimit }, 'step output too large');
        const error = nonRetryable('OUTPUT_TOO_LARGE', `the step's output is ${bytes} bytes; the limit is ${outputLimit}`);
        return finish({ ...input, output: truncated(result.value) }, { error }, result.tries);
      }
      return finish(input, { output: result.value }, result.tries);
    } finally {
      clearTimeout(timer);
    }
  };
}
