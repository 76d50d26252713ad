import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { repoRoot } from '@botwot/launcher';
import { apiAs, eventually, type Api } from './api-client.js';

/**
 * What an operator reads on the real stack: every log line about an execution carries its
 * executionId and orgId in every service, every answer an X-Request-Id, and the metrics the alert
 * rules use are exposed with real values (duration by status, breaker calls by outcome).
 */

const system = inject('system');
const run = randomUUID().slice(0, 8);
const stack = process.env.BOTWOT_TEST_STACK ?? 'test';
let api: Api;

async function knobs(base: string, values: Record<string, unknown>) {
  const res = await fetch(`${base}/__admin/knobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(values) });
  expect(res.status).toBe(200);
}
const metricsOf = async (service: string) => (await fetch(`${system.opsUrls[service]}/metrics`)).text();

beforeAll(async () => {
  api = await apiAs(`org-obs-${run}`);
});
afterAll(async () => {
  await knobs(system.standIns.whatsapp, { errorRate: 0 });
});

describe('observability on the real stack', () => {
  it('every log line about an execution, in every service that writes one, carries its executionId and orgId', async () => {
    const created = await api.post('/workFlow', {
      name: 'noisy',
      steps: [
        { stepId: 't', stepType: 'trigger', config: { triggerType: 'whatsapp' }, nextStepId: 'gen' },
        // a missing variable: the utility-runner warns; the refused message: the action-runner warns
        { stepId: 'gen', stepType: 'utility', config: { utilityType: 'text_gen', inputText: 'Write to {{nobody_knows}}' }, nextStepId: 'send' },
        { stepId: 'send', stepType: 'action', config: { actionType: 'send_whatsapp', messageTemplate: '{{generated_text}}' } },
      ],
    });
    await knobs(system.standIns.whatsapp, { errorRate: 1, errorStatus: 400 });
    const res = await api.post(`/workFlow/${created.body.id}/execute?wait=60`, { triggerData: { phone_number: '+919800000301', message_text: 'log me' } });
    expect(res.body.status).toBe('failed');
    const executionId = res.body.executionId as string;

    const dir = path.join(repoRoot(), '.local', 'logs');
    const lines = await eventually(async () => {
      const found: { file: string; line: Record<string, unknown> }[] = [];
      for (const file of readdirSync(dir).filter((f) => f.endsWith(`-${stack}.log`))) {
        for (const text of readFileSync(path.join(dir, file), 'utf8').split('\n')) {
          if (!text.includes(executionId) || !text.startsWith('{')) continue;
          found.push({ file, line: JSON.parse(text) as Record<string, unknown> });
        }
      }
      return new Set(found.map((f) => f.file)).size >= 2 ? found : undefined;
    }, { what: 'log lines about the execution in two services' });
    expect(lines.map((l) => l.line.service)).toEqual(expect.arrayContaining(['utility-runner', 'action-runner']));
    for (const { file, line } of lines) {
      expect({ file, executionId: line.executionId, orgId: line.orgId }).toEqual({ file, executionId, orgId: api.orgId });
    }
  });

  it('exposes the end-to-end duration by status and the breaker calls by outcome with the values of the run', async () => {
    await knobs(system.standIns.whatsapp, { errorRate: 0 });
    const created = await api.post('/workFlow', {
      name: 'measured',
      steps: [
        { stepId: 't', stepType: 'trigger', config: { triggerType: 'whatsapp' }, nextStepId: 'send' },
        { stepId: 'send', stepType: 'action', config: { actionType: 'send_whatsapp', messageTemplate: 'hello' } },
      ],
    });
    const count = (text: string, re: RegExp) => Number(re.exec(text)?.[1] ?? 0);
    const completedBefore = count(await metricsOf('log-sink'), /^botwot_execution_duration_seconds_count\{[^}]*status="completed"[^}]*\} (\d+)/m);
    const sentBefore = count(await metricsOf('action-runner'), /^botwot_breaker_calls_total\{provider="whatsapp",outcome="success"[^}]*\} (\d+)/m);
    const res = await api.post(`/workFlow/${created.body.id}/execute?wait=60`, { triggerData: { phone_number: '+919800000302', message_text: 'count me' } });
    expect(res.body.status).toBe('completed');
    await eventually(async () => (count(await metricsOf('log-sink'), /^botwot_execution_duration_seconds_count\{[^}]*status="completed"[^}]*\} (\d+)/m) > completedBefore ? true : undefined), { what: 'the duration histogram to count the run' });
    expect(count(await metricsOf('action-runner'), /^botwot_breaker_calls_total\{provider="whatsapp",outcome="success"[^}]*\} (\d+)/m)).toBe(sentBefore + 1);
    const sink = await metricsOf('log-sink');
    expect(sink).toMatch(/^botwot_execution_duration_seconds_bucket\{[^}]*status="completed"/m);
    expect(sink).toMatch(/^botwot_executions_overdue\{[^}]*\} 0$/m);
    expect(await metricsOf('orchestrator')).toMatch(/^botwot_consumer_lag\{[^}]*group="orchestrator"/m);
  });

  it('answers every request, refused ones too, with the X-Request-Id it was sent or a new one', async () => {
    const sent = await api.raw('GET', '/workFlow', undefined, { 'x-request-id': `obs-${run}` });
    expect(sent.headers.get('x-request-id')).toBe(`obs-${run}`);
    const refused = await fetch(`${system.gatewayUrl}/workFlow`);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
