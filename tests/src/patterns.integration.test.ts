import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { apiAs, ended, type Api } from './api-client.js';

/**
 * Four workflow patterns (a linear flow, a decision with routes, chained analyses, a long chain), test runs with simulated actions, failing
 * steps and failure routes — each checked step by step in the logs the log-sink wrote, and at the
 * stand-ins that stand for the outside world.
 */

const ORG = `org-patterns-${randomUUID().slice(0, 8)}`;

type Step = { stepId: string; stepType: string; config: Record<string, unknown>; nextStepId?: string; routes?: unknown[]; onFailureStepId?: string; retry?: Record<string, number> };
type Log = { stepId: string; stepType: string; nodeType: string; stepOrder: number; status: string; input: any; output: any; errorMessage: string | null; error: any; attempts: number; tries: any[] };

function standIn(base: string) {
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, { method, ...(body ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}) });
    expect(res.status).toBe(200);
    return (await res.json()) as Record<string, any>;
  };
  return {
    requests: async (): Promise<any[]> => (await call('GET', '/__admin/requests')).requests,
    deliveries: async (): Promise<any[]> => (await call('GET', '/__admin/deliveries')).deliveries,
    knobs: async (knobs: Record<string, unknown>) => (await call('POST', '/__admin/knobs', knobs)).knobs,
  };
}
const system = () => inject('system');
const whatsapp = () => standIn(system().standIns.whatsapp);
const smtp = () => standIn(system().standIns.smtpAdmin);
const voice = () => standIn(system().standIns.voice);
const crm = () => standIn(system().standIns.crm);
const botcore = () => standIn(system().standIns.botcore);

/** What each stand-in received for one execution (every engine call carries `${executionId}:${stepId}:${attempt}`). */
async function sentBy(executionId: string) {
  const mine = (key: unknown) => typeof key === 'string' && key.startsWith(`${executionId}:`);
  const [w, m, v, c] = await Promise.all([whatsapp().deliveries(), smtp().deliveries(), voice().deliveries(), crm().deliveries()]);
  return {
    whatsapp: w.filter((d) => mine(d.idempotencyKey)),
    email: m.filter((d) => mine(d.headers?.['x-idempotency-key'])),
    voice: v.filter((d) => mine(d.idempotencyKey)),
    crm: c.filter((d) => mine(d.idempotencyKey)),
  };
}

async function createWorkflow(api: Api, name: string, steps: Step[]): Promise<string> {
  const res = await api.post('/workFlow', { name, steps });
  expect(res.status).toBe(201);
  expect(res.body.validation).toEqual({ valid: true, errors: [] });
  return res.body.id as string;
}

async function run(api: Api, workflowId: string, triggerData: Record<string, unknown>, how: 'execute' | 'test' = 'execute') {
  const res = await api.post(`/workFlow/${workflowId}/${how}`, { triggerData });
  expect(res.status).toBe(202);
  expect(res.body).toMatchObject({ success: true, status: 'running', mode: how === 'test' ? 'test' : 'live' });
  const executionId = res.body.executionId as string;
  // generous: the first executions after start-up wait for consumer groups to settle
  const { execution, logs } = await ended(api, executionId, 60_000);
  const byStep = (stepId: string): Log => {
    const log = logs.find((l) => l.stepId === stepId);
    expect(log, `log of step ${stepId}`).toBeDefined();
    return log as Log;
  };
  return { executionId, execution, logs: logs as Log[], byStep, path: logs.map((l) => `${l.stepOrder}:${l.stepId}:${l.status}`) };
}

/** A unique marker of letters only (digits or short words inside it could steer BotCore's analysers). */
const tag = () => randomUUID().replace(/-/g, '').replace(/[0-9]/g, (d) => 'ghijklmnop'.charAt(Number(d)));

const phone = () => `+9197${Math.floor(10_000_000 + Math.random() * 89_999_999)}`;

describe('four workflow patterns', () => {
  it('1. trigger → agent → action, with {{field}}, {{steps.<id>.<field>}} and a missing variable left as written', async () => {
    const api = await apiAs(ORG);
    const id = await createWorkflow(api, 'simple', [
      { stepId: 'incoming', stepType: 'trigger', config: { triggerType: 'whatsapp' }, nextStepId: 'assistant' },
      { stepId: 'assistant', stepType: 'agent', config: { agentType: 'conversational', inputText: '{{message_text}}' }, nextStepId: 'answer' },
      {
        stepId: 'answer',
        stepType: 'action',
        config: { actionType: 'send_whatsapp', recipient: 'trigger', messageTemplate: 'Hi {{customer_name}}, {{steps.assistant.agent_response}} (re: {{steps.incoming.message_text}}, {{nope.deeper}})' },
      },
    ]);
    const number = phone();
    const question = `Can I change my delivery slot? ${randomUUID()}`;
    const { executionId, execution, logs, byStep, path } = await run(api, id, { phone_number: number, message_text: question });

    expect(execution.status).toBe('completed');
    expect(path).toEqual(['0:incoming:completed', '1:assistant:completed', '2:answer:completed']);
    expect(byStep('incoming').input).toEqual({ phone_number: number, message_text: question });
    expect(byStep('incoming').output).toMatchObject({ phone_number: number, message_text: question, message_id: null });
    expect(byStep('assistant').input).toEqual({ agentType: 'conversational', inputText: question });
    expect(byStep('assistant').output).toEqual({ agent_response: `Answer to: ${question}` });
    expect(byStep('assistant').input.missingVariables).toBeUndefined();

    const text = `Hi {{customer_name}}, Answer to: ${question} (re: ${question}, {{nope.deeper}})`;
    const answer = byStep('answer');
    expect(answer.input).toEqual({ actionType: 'send_whatsapp', recipient: 'trigger', messageTemplate: text, missingVariables: ['customer_name', 'nope.deeper'] });
    expect(answer.output).toMatchObject({ message_sent: true, status: 'sent', recipient: number });

    const sent = await sentBy(executionId);
    expect(sent.whatsapp.map((d) => [d.to, d.text])).toEqual([[number, text]]);
    expect(answer.output.message_id).toBe(sent.whatsapp[0].messageId);
    // the final output is the context: trigger data merged with every step's output
    expect(execution.finalOutput).toMatchObject({ phone_number: number, message_text: question, agent_response: `Answer to: ${question}`, message_sent: true });
    expect(logs).toHaveLength(3);
  });

  it('2. trigger → decision agent → three actions via routes: each run takes exactly its branch', async () => {
    const api = await apiAs(ORG);
    const id = await createWorkflow(api, 'decision routes', [
      { stepId: 'application', stepType: 'trigger', config: { triggerType: 'whatsapp' }, nextStepId: 'judge' },
      {
        stepId: 'judge',
        stepType: 'agent',
        config: { agentType: 'decision', inputText: '{{message_text}}' },
        routes: [
          { when: { field: 'decision', equals: 'Approve' }, nextStepId: 'approve' },
          { when: { field: 'decision', equals: 'Reject' }, nextStepId: 'reject' },
          { when: { field: 'decision', equals: 'Review' }, nextStepId: 'review' },
        ],
      },
      { stepId: 'approve', stepType: 'action', config: { actionType: 'update_crm', crmSystem: 'default', action: 'create', object: 'application', fields: '{"applicant":"{{phone_number}}","status":"approved","confidence":"{{confidence}}"}' } },
      { stepId: 'reject', stepType: 'action', config: { actionType: 'send_email', to: 'applications@botwot.test', subject: 'Rejected: {{phone_number}}', body: '{{steps.judge.agent_response}}' } },
      { stepId: 'review', stepType: 'action', config: { actionType: 'send_whatsapp', recipient: 'trigger', messageTemplate: 'A colleague will review your application ({{decision}}, {{confidence}}).' } },
    ]);

    const branches = [
      { marker: '[decide:approve]', decision: 'Approve', confidence: 0.92, step: 'approve', channel: 'crm' },
      { marker: '[decide:reject]', decision: 'Reject', confidence: 0.88, step: 'reject', channel: 'email' },
      { marker: '[decide:review]', decision: 'Review', confidence: 0.61, step: 'review', channel: 'whatsapp' },
    ] as const;
    const runs = await Promise.all(branches.map((b) => run(api, id, { phone_number: phone(), message_text: `${b.marker} Loan application ${randomUUID()}` })));

    for (const [i, b] of branches.entries()) {
      const { executionId, execution, byStep, path } = runs[i]!;
      expect(execution.status, b.decision).toBe('completed');
      expect(path, b.decision).toEqual(['0:application:completed', '1:judge:completed', `2:${b.step}:completed`]);
      const judge = byStep('judge');
      expect(judge.input).toEqual({ agentType: 'decision', inputText: byStep('application').output.message_text });
      expect(judge.output).toMatchObject({ decision: b.decision, confidence: b.confidence });

      const number = byStep('application').output.phone_number as string;
      const sent = await sentBy(executionId);
      // exactly one side effect, on the branch's channel; the other branches sent nothing
      expect({ whatsapp: sent.whatsapp.length, email: sent.email.length, voice: sent.voice.length, crm: sent.crm.length }, b.decision).toEqual({
        whatsapp: b.channel === 'whatsapp' ? 1 : 0,
        email: b.channel === 'email' ? 1 : 0,
        voice: 0,
        crm: b.channel === 'crm' ? 1 : 0,
      });
      const action = byStep(b.step);
      if (b.step === 'approve') {
        expect(action.input.fields).toEqual({ applicant: number, status: 'approved', confidence: '0.92' });
        expect(sent.crm[0]).toMatchObject({ op: 'create', object: 'application', fields: { applicant: number, status: 'approved', confidence: '0.92' } });
        expect(action.output).toEqual({ crm_updated: true, crm_system: 'default', action: 'create', record_id: sent.crm[0].id });
      } else if (b.step === 'reject') {
        expect(action.input).toMatchObject({ to: 'applications@botwot.test', subject: `Rejected: ${number}`, body: judge.output.agent_response });
        expect(sent.email[0]).toMatchObject({ to: ['applications@botwot.test'], subject: `Rejected: ${number}`, text: judge.output.agent_response });
        expect(action.output).toMatchObject({ email_sent: true, accepted: ['applications@botwot.test'] });
      } else {
        expect(action.input.messageTemplate).toBe('A colleague will review your application (Review, 0.61).');
        expect(sent.whatsapp[0]).toMatchObject({ to: number, text: 'A colleague will review your application (Review, 0.61).' });
        expect(action.output).toMatchObject({ message_sent: true, recipient: number });
      }
    }
  });

  it('3. trigger → sentiment → intent → action: both analyses feed the message', async () => {
    const api = await apiAs(ORG);
    const id = await createWorkflow(api, 'utilities', [
      { stepId: 'mail-in', stepType: 'trigger', config: { triggerType: 'email' }, nextStepId: 'mood' },
      { stepId: 'mood', stepType: 'utility', config: { utilityType: 'sentiment', inputText: '{{email_subject}}. {{email_body}}' }, nextStepId: 'purpose' },
      { stepId: 'purpose', stepType: 'utility', config: { utilityType: 'intent', inputText: '{{email_body}}' }, nextStepId: 'escalate' },
      {
        stepId: 'escalate',
        stepType: 'action',
        config: {
          actionType: 'send_email',
          to: 'support-lead@botwot.test',
          subject: '[{{steps.purpose.intent}}] {{email_subject}}',
          body: 'From {{email_from}}: sentiment {{sentiment}} ({{steps.mood.sentiment_score}}), intent {{intent}} ({{confidence}}).',
        },
      },
    ]);
    const subject = `Refund please ${tag()}`;
    const body = 'The product arrived broken and the service was terrible. I want a refund.';
    const { executionId, execution, byStep, path } = await run(api, id, { email_from: 'ravi@example.com', email_subject: subject, email_body: body });

    expect(execution.status).toBe('completed');
    expect(path).toEqual(['0:mail-in:completed', '1:mood:completed', '2:purpose:completed', '3:escalate:completed']);
    expect(byStep('mood').input).toEqual({ utilityType: 'sentiment', inputText: `${subject}. ${body}` });
    expect(byStep('mood').output).toEqual({ sentiment: 'negative', sentiment_score: -1 });
    expect(byStep('purpose').input).toEqual({ utilityType: 'intent', inputText: body });
    expect(byStep('purpose').output).toEqual({ intent: 'complaint', confidence: 0.9 });

    const expected = { subject: `[complaint] ${subject}`, body: 'From ravi@example.com: sentiment negative (-1), intent complaint (0.9).' };
    expect(byStep('escalate').input).toEqual({ actionType: 'send_email', to: 'support-lead@botwot.test', ...expected });
    const sent = await sentBy(executionId);
    expect(sent.email).toHaveLength(1);
    expect(sent.email[0]).toMatchObject({ to: ['support-lead@botwot.test'], subject: expected.subject, text: expected.body });
  });

  it('4. trigger → agent → utility → agent → action: each step reads what the ones before produced', async () => {
    const api = await apiAs(ORG);
    const id = await createWorkflow(api, 'complex', [
      { stepId: 'start', stepType: 'trigger', config: { triggerType: 'whatsapp' }, nextStepId: 'understand' },
      { stepId: 'understand', stepType: 'agent', config: { agentType: 'conversational', inputText: 'Summarise the request: {{message_text}}' }, nextStepId: 'draft' },
      { stepId: 'draft', stepType: 'utility', config: { utilityType: 'text_gen', inputText: 'Draft an offer for: {{agent_response}}', temperature: 0.2 }, nextStepId: 'check' },
      // the decision agent also answers agent_response: {{agent_response}} is now its answer, steps.understand keeps the first
      { stepId: 'check', stepType: 'agent', config: { agentType: 'decision', inputText: '[decide:approve] Approve this offer? {{generated_text}}' }, nextStepId: 'record' },
      {
        stepId: 'record',
        stepType: 'action',
        config: {
          actionType: 'update_crm',
          crmSystem: 'default',
          action: 'create',
          object: 'offer',
          fields: { customer: '{{phone_number}}', summary: '{{steps.understand.agent_response}}', offer: '{{steps.draft.generated_text}}', decision: '{{decision}}', latest_answer: '{{agent_response}}' },
        },
      },
    ]);
    const number = phone();
    const request = `Kitchen with an island, budget 8 lakh ${randomUUID().slice(0, 8)}`;
    const { executionId, execution, byStep, path } = await run(api, id, { phone_number: number, message_text: request });

    expect(execution.status).toBe('completed');
    expect(path).toEqual(['0:start:completed', '1:understand:completed', '2:draft:completed', '3:check:completed', '4:record:completed']);
    const summary = `Answer to: Summarise the request: ${request}`;
    expect(byStep('understand').output).toEqual({ agent_response: summary });
    expect(byStep('draft').input).toEqual({ utilityType: 'text_gen', inputText: `Draft an offer for: ${summary}`, temperature: 0.2 });
    const offer = `Generated text for: Draft an offer for: ${summary}`;
    expect(byStep('draft').output).toEqual({ generated_text: offer });
    expect(byStep('check').input).toEqual({ agentType: 'decision', inputText: `[decide:approve] Approve this offer? ${offer}` });
    const verdict = 'Decision: Approve (confidence 0.92). The applicant meets the criteria.';
    expect(byStep('check').output).toEqual({ decision: 'Approve', confidence: 0.92, agent_response: verdict });

    const fields = { customer: number, summary, offer, decision: 'Approve', latest_answer: verdict };
    expect(byStep('record').input).toEqual({ actionType: 'update_crm', crmSystem: 'default', action: 'create', object: 'offer', fields });
    const sent = await sentBy(executionId);
    expect(sent.crm).toHaveLength(1);
    expect(sent.crm[0]).toMatchObject({ op: 'create', object: 'offer', fields });
    expect(byStep('record').output).toEqual({ crm_updated: true, crm_system: 'default', action: 'create', record_id: sent.crm[0].id });
    expect(execution.finalOutput).toMatchObject({ agent_response: verdict, generated_text: offer, decision: 'Approve', record_id: sent.crm[0].id });
  });
});

describe('test runs, failures and failure routes', () => {
  afterEach(async () => {
    // knobs are global to a stand-in: put them back whatever the test did
    const defaults = { latencyMs: 0, errorRate: 0, failNext: 0, faultPhase: 'before' };
    await Promise.all([...[whatsapp(), voice(), crm(), botcore()].map((s) => s.knobs({ ...defaults, errorStatus: 503 })), smtp().knobs({ ...defaults, errorStatus: 451 })]);
  });

  it('POST /workFlow/:id/test simulates every action: nothing reaches the stand-ins, outputs say what would be sent', async () => {
    const api = await apiAs(ORG);
    const id = await createWorkflow(api, 'all actions', [
      { stepId: 'in', stepType: 'trigger', config: { triggerType: 'whatsapp' }, nextStepId: 'agent' },
      { stepId: 'agent', stepType: 'agent', config: { agentType: 'conversational', inputText: '{{message_text}}' }, nextStepId: 'wa' },
      { stepId: 'wa', stepType: 'action', config: { actionType: 'send_whatsapp', recipient: 'trigger', messageTemplate: 'Reply: {{agent_response}}' }, nextStepId: 'mail' },
      { stepId: 'mail', stepType: 'action', config: { actionType: 'send_email', to: 'team@botwot.test', subject: 'New chat from {{phone_number}}', body: '{{message_text}}' }, nextStepId: 'call' },
      { stepId: 'call', stepType: 'action', config: { actionType: 'initiate_call', phoneNumber: '{{phone_number}}', voiceAgent: 'agent-9' }, nextStepId: 'crm' },
      { stepId: 'crm', stepType: 'action', config: { actionType: 'update_crm', crmSystem: 'default', action: 'create', fields: '{"phone":"{{phone_number}}"}' } },
    ]);
    const counts = async () => {
      const [w, m, v, c] = await Promise.all([whatsapp().deliveries(), smtp().deliveries(), voice().deliveries(), crm().deliveries()]);
      return { whatsapp: w.length, email: m.length, voice: v.length, crm: c.length };
    };
    const before = await counts();
    const number = phone();
    const text = `Is this a test? ${randomUUID()}`;
    const { executionId, execution, byStep, path } = await run(api, id, { phone_number: number, message_text: text }, 'test');

    expect(execution.status).toBe('completed');
    expect(execution.mode).toBe('test');
    expect(path).toEqual(['0:in:completed', '1:agent:completed', '2:wa:completed', '3:mail:completed', '4:call:completed', '5:crm:completed']);
    // agents have no side effect: they still run for real
    expect(byStep('agent').output).toEqual({ agent_response: `Answer to: ${text}` });
    expect((await botcore().requests()).filter((r) => r.path === '/qna' && r.body?.question === text)).toHaveLength(1);

    expect(byStep('wa').output).toEqual({ message_sent: false, simulated: true, would_send: { channel: 'whatsapp', from: '100000000000001', to: number, text: `Reply: Answer to: ${text}` } });
    expect(byStep('mail').output).toMatchObject({ email_sent: false, simulated: true, would_send: { channel: 'email', to: 'team@botwot.test', subject: `New chat from ${number}`, text } });
    expect(byStep('call').output).toEqual({ call_initiated: false, simulated: true, would_send: { channel: 'voice', toNumber: number, agentId: 'agent-9' } });
    expect(byStep('crm').output).toMatchObject({ crm_updated: false, simulated: true, would_send: { channel: 'crm', crm_system: 'default', action: 'create', method: 'POST', path: '/records', body: { fields: { phone: number } } } });
    expect(byStep('wa').input.messageTemplate).toBe(`Reply: Answer to: ${text}`);

    const sent = await sentBy(executionId);
    expect({ whatsapp: sent.whatsapp.length, email: sent.email.length, voice: sent.voice.length, crm: sent.crm.length }).toEqual({ whatsapp: 0, email: 0, voice: 0, crm: 0 });
    expect(await counts()).toEqual(before);
  });

  it('a step the provider refuses (WhatsApp 400) fails the execution, with the error on the step log and the execution', async () => {
    const api = await apiAs(ORG);
    const id = await createWorkflow(api, 'refused', [
      { stepId: 'in', stepType: 'trigger', config: { triggerType: 'whatsapp' }, nextStepId: 'mood' },
      { stepId: 'mood', stepType: 'utility', config: { utilityType: 'sentiment', inputText: '{{message_text}}' }, nextStepId: 'wa' },
      { stepId: 'wa', stepType: 'action', config: { actionType: 'send_whatsapp', recipient: 'trigger', messageTemplate: 'We hear you ({{sentiment}})' }, nextStepId: 'after' },
      { stepId: 'after', stepType: 'action', config: { actionType: 'send_email', to: 'team@botwot.test', subject: 'never sent', body: 'x' } },
    ]);
    await whatsapp().knobs({ errorRate: 1, errorStatus: 400 });
    const { executionId, execution, logs, byStep, path } = await run(api, id, { phone_number: phone(), message_text: 'Thanks, great service' });

    expect(path).toEqual(['0:in:completed', '1:mood:completed', '2:wa:failed']);
    const failed = byStep('wa');
    expect(failed.input).toEqual({ actionType: 'send_whatsapp', recipient: 'trigger', messageTemplate: 'We hear you (positive)' });
    expect(failed.output).toBeNull();
    expect(failed.error).toMatchObject({ code: 'UPSTREAM_400', kind: 'non_retryable', provider: 'whatsapp', stepId: 'wa' });
    expect(failed.errorMessage).toMatch(/^whatsapp answered 400: .*Injected failure/);
    // a 4xx is final: one try, no retries
    expect(failed.attempts).toBe(1);
    expect(failed.tries).toHaveLength(1);

    expect(execution.status).toBe('failed');
    expect(execution.errorMessage).toBe(failed.errorMessage);
    expect(execution.error).toMatchObject({ code: 'UPSTREAM_400', provider: 'whatsapp', stepId: 'wa' });
    expect(execution.failedStepId).toBe('wa');
    expect(execution.completedAt).toBeDefined();
    expect(logs.some((l) => l.stepId === 'after')).toBe(false);
    const sent = await sentBy(executionId);
    expect(sent.email).toHaveLength(0);
    expect(sent.whatsapp).toHaveLength(0);
    // the provider really was asked, once
    expect((await whatsapp().requests()).filter((r) => String(r.headers['idempotency-key']).startsWith(`${executionId}:`)).map((r) => r.status)).toEqual([400]);
  });

  it('a transient provider failure (503 once) is retried, and the step log keeps both tries', async () => {
    const api = await apiAs(ORG);
    const id = await createWorkflow(api, 'retried', [
      { stepId: 'in', stepType: 'trigger', config: { triggerType: 'voice' }, nextStepId: 'call' },
      { stepId: 'call', stepType: 'action', config: { actionType: 'initiate_call', phoneNumber: '{{caller_number}}', voiceAgent: 'agent-retry' } },
    ]);
    await voice().knobs({ failNext: 1, errorStatus: 503 });
    const number = phone();
    const { executionId, execution, byStep } = await run(api, id, { caller_number: number });

    expect(execution.status).toBe('completed');
    const call = byStep('call');
    expect(call.status).toBe('completed');
    expect(call.attempts).toBe(2);
    expect(call.tries.map((t: { ok: boolean }) => t.ok)).toEqual([false, true]);
    expect(call.tries[0].error).toMatch(/UPSTREAM_503/);
    const sent = await sentBy(executionId);
    expect(sent.voice).toHaveLength(1);
    expect(sent.voice[0]).toMatchObject({ toNumber: number, agentId: 'agent-retry' });
    expect(call.output).toEqual({ call_initiated: true, call_id: sent.voice[0].callId });
  });

  it('onFailureStepId routes a failed step (a bad recipient) to another step, which sees the error', async () => {
    const api = await apiAs(ORG);
    const id = await createWorkflow(api, 'failure route', [
      { stepId: 'in', stepType: 'trigger', config: { triggerType: 'whatsapp' }, nextStepId: 'wa' },
      { stepId: 'wa', stepType: 'action', config: { actionType: 'send_whatsapp', recipient: 'custom', customRecipient: '{{referrer}}', messageTemplate: 'Your friend wrote to us' }, onFailureStepId: 'tell-team', nextStepId: 'thanks' },
      { stepId: 'thanks', stepType: 'action', config: { actionType: 'send_whatsapp', recipient: 'trigger', messageTemplate: 'never sent' } },
      { stepId: 'tell-team', stepType: 'action', config: { actionType: 'send_email', to: 'team@botwot.test', subject: 'Step {{failed_step_id}} failed ({{error_code}})', body: '{{error_message}}' } },
    ]);
    const { executionId, execution, byStep, path } = await run(api, id, { phone_number: phone(), message_text: 'Refer a friend', referrer: 'not-a-number' });

    expect(execution.status).toBe('completed');
    expect(path).toEqual(['0:in:completed', '1:wa:failed', '2:tell-team:completed']);
    const failed = byStep('wa');
    expect(failed.input.customRecipient).toBe('not-a-number');
    expect(failed.error).toMatchObject({ code: 'UPSTREAM_400', kind: 'non_retryable', provider: 'whatsapp' });
    expect(failed.errorMessage).toContain("Invalid parameter to: 'not-a-number'");

    const team = byStep('tell-team');
    expect(team.input).toMatchObject({ subject: 'Step wa failed (UPSTREAM_400)', body: failed.errorMessage });
    const sent = await sentBy(executionId);
    expect(sent.whatsapp).toHaveLength(0);
    expect(sent.email).toHaveLength(1);
    expect(sent.email[0]).toMatchObject({ to: ['team@botwot.test'], subject: 'Step wa failed (UPSTREAM_400)', text: failed.errorMessage });
    expect(execution.finalOutput).toMatchObject({ failed_step_id: 'wa', error_code: 'UPSTREAM_400', email_sent: true });
  });
});
