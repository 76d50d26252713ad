import { describe, expect, it } from 'vitest';
import { createEvent, type AnyEvent } from '../events/index.js';
import { nonRetryable, retryable, StepError } from '../errors/index.js';
import { createLogger } from '../observability/logger.js';
import { createMetrics } from '../observability/metrics.js';
import { createStepCommandHandler, type NodeExecutors } from './step-runner.js';

const metrics = createMetrics('test');
const ctx = { topic: 'workflow.step.action', partition: 0, offset: '0', logger: createLogger('test', 'silent') };

function command(step: Record<string, unknown>, deadlineInMs = 60_000) {
  const now = Date.now();
  return createEvent('step.command', {
    orgId: 'org',
    executionId: 'exe',
    data: {
      step: { config: {}, ...step } as never,
      stepType: 'action',
      nodeType: 'send_whatsapp',
      state: {
        workflowId: 'wf',
        version: 1,
        userId: 'u',
        mode: 'live',
        startedAt: new Date(now).toISOString(),
        deadlineAt: new Date(now + deadlineInMs).toISOString(),
        triggerData: { phone_number: '+1', name: 'Asha' },
        steps: {},
        order: [],
        stepOrder: 1,
      },
    },
  });
}

const whatsappStep = (extra: Record<string, unknown> = {}) => ({
  stepId: 'reply',
  stepType: 'action',
  config: { actionType: 'send_whatsapp', messageTemplate: 'Hi {{name}} {{missing}}' },
  retry: { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 5 },
  ...extra,
});

async function run(executors: NodeExecutors, step = whatsappStep(), deadlineInMs?: number) {
  const out = await createStepCommandHandler({ executors, metrics })(command(step, deadlineInMs) as never, ctx);
  return (out as { event: AnyEvent }[])[0]?.event as Extract<AnyEvent, { type: 'step.completed' | 'step.failed' }>;
}

describe('the shared step.command handler', () => {
  it('renders templates, passes the idempotency key, and records missing variables', async () => {
    let seen: { text?: string; key?: string } = {};
    const result = await run({
      'action/send_whatsapp': async (call) => {
        seen = { text: call.config.messageTemplate, key: call.idempotencyKey };
        return { message_sent: true };
      },
    });
    expect(result.type).toBe('step.completed');
    expect(seen).toEqual({ text: 'Hi Asha {{missing}}', key: 'exe:reply' });
    expect(result.data.input).toMatchObject({ messageTemplate: 'Hi Asha {{missing}}', missingVariables: ['missing'] });
    expect(result.eventId).toBe('exe:reply:1:result');
  });

  it('retries retryable errors within the policy and logs every try', async () => {
    let calls = 0;
    const result = await run({
      'action/send_whatsapp': async () => {
        calls++;
        if (calls < 3) throw retryable('UPSTREAM_503', 'busy', 'whatsapp');
        return { message_sent: true };
      },
    });
    expect(result.type).toBe('step.completed');
    expect(result.data.tries.map((t) => t.ok)).toEqual([false, false, true]);
  });

  it('gives up at once on a non-retryable error and types it', async () => {
    let calls = 0;
    const result = await run({
      'action/send_whatsapp': async () => {
        calls++;
        throw nonRetryable('UPSTREAM_400', 'bad number', 'whatsapp');
      },
    });
    expect(calls).toBe(1);
    expect(result.type).toBe('step.failed');
    if (result.type === 'step.failed') expect(result.data.error).toMatchObject({ code: 'UPSTREAM_400', kind: 'non_retryable', provider: 'whatsapp', stepId: 'reply' });
  });

  it('bounds the whole step by timeoutMs', async () => {
    const started = Date.now();
    const result = await run(
      { 'action/send_whatsapp': (call) => new Promise((_, reject) => call.signal.addEventListener('abort', () => reject(new Error('aborted')))) },
      whatsappStep({ timeoutMs: 150 }),
    );
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(result.type).toBe('step.failed');
    if (result.type === 'step.failed') expect(result.data.error.code).toBe('STEP_TIMEOUT');
  });

  it('honours a retry-after delay', async () => {
    let calls = 0;
    const started = Date.now();
    await run({
      'action/send_whatsapp': async () => {
        if (++calls === 1) throw new StepError({ kind: 'retry_after', code: 'RATE_LIMITED', message: '429', retryAfterMs: 300 });
        return {};
      },
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('refuses an invalid config without calling anything', async () => {
    let called = false;
    const result = await run(
      { 'action/send_whatsapp': async () => {
        called = true;
        return {};
      } },
      whatsappStep({ config: { actionType: 'send_whatsapp' } }),
    );
    expect(called).toBe(false);
    expect(result.type).toBe('step.failed');
    if (result.type === 'step.failed') expect(result.data.error.code).toBe('INVALID_CONFIG');
  });
});

describe('the step limits', () => {
  it('fails a step whose templates render past the input limit, without calling anything', async () => {
    let called = false;
    const many = Array.from({ length: 40 }, () => '{{name}}').join(' ');
    const step = whatsappStep({ config: { actionType: 'send_whatsapp', messageTemplate: many } });
    const cmd = command(step);
    cmd.data.state.triggerData = { phone_number: '+1', name: 'x'.repeat(10_000) };
    const out = await createStepCommandHandler({ executors: { 'action/send_whatsapp': async () => {
        called = true;
        return {};
      } }, metrics })(cmd as never, ctx);
    const result = (out as { event: AnyEvent }[])[0]?.event as Extract<AnyEvent, { type: 'step.failed' }>;
    expect(result.type).toBe('step.failed');
    expect(result.data.error.code).toBe('TEMPLATE_TOO_LARGE');
    expect(called).toBe(false);
  });

  it('fails a step whose output is past the output limit, keeping only a preview of it', async () => {
    const result = await run({ 'action/send_whatsapp': async () => ({ blob: 'y'.repeat(300_000) }) });
    expect(result.type).toBe('step.failed');
    expect((result as Extract<AnyEvent, { type: 'step.failed' }>).data.error.code).toBe('OUTPUT_TOO_LARGE');
    expect(JSON.stringify(result.data.input).length).toBeLessThan(10_000);
  });
});
