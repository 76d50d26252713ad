import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { apiAs, ended, type Api } from './api-client.js';

/**
 * One test per node type (16), each through the gateway, Kafka, the runners and the log-sink:
 * the step log's input is the rendered config, its output the fields workflows read, and the external
 * stand-in saw exactly what the step rendered.
 */

const ORG = `org-nodes-${randomUUID().slice(0, 8)}`;
/** senders this org registers (a sender belongs to one org, so each run has its own) */
const TEAM_NUMBER_ID = `2${String(Date.now()).slice(-13)}${Math.floor(Math.random() * 10)}`;
const SUPPORT_ADDRESS = `support-${ORG}@botwot.test`;
/** BotCore memory ids are namespaced by org */
const memoryOf = (id: string) => `${ORG}:${id}`;

type Step = { stepId: string; stepType: string; config: Record<string, unknown>; nextStepId?: string };
type Log = { stepId: string; stepType: string; nodeType: string; stepOrder: number; status: string; input: any; output: any; attempts: number; duration: number };
type Recorded = { method: string; path: string; headers: Record<string, string>; body: any; status: number };

/** The admin side of one stand-in: its request journal and what it delivered. */
function standIn(base: string) {
  const get = async (path: string) => {
    const res = await fetch(`${base}${path}`);
    expect(res.status).toBe(200);
    return (await res.json()) as Record<string, any>;
  };
  return {
    requests: async (): Promise<Recorded[]> => (await get('/__admin/requests')).requests,
    deliveries: async (): Promise<any[]> => (await get('/__admin/deliveries')).deliveries,
  };
}
const botcore = () => standIn(inject('system').standIns.botcore);
const whatsapp = () => standIn(inject('system').standIns.whatsapp);
const smtp = () => standIn(inject('system').standIns.smtpAdmin);
const voice = () => standIn(inject('system').standIns.voice);
const crm = () => standIn(inject('system').standIns.crm);

/** The one BotCore request on `path` whose body matches; fails when there is not exactly one. */
async function botcoreCall(path: string, match: (body: any) => boolean): Promise<Recorded> {
  const calls = (await botcore().requests()).filter((r) => r.path === path && match(r.body));
  expect(calls, `BotCore ${path} calls`).toHaveLength(1);
  return calls[0] as Recorded;
}

async function createWorkflow(api: Api, name: string, steps: Step[]): Promise<string> {
  const res = await api.post('/workFlow', { name, steps });
  expect(res.status).toBe(201);
  expect(res.body.validation).toEqual({ valid: true, errors: [] });
  return res.body.id as string;
}

/** Executes a workflow and waits until the execution has ended; returns it with its logs by stepId. */
async function run(api: Api, workflowId: string, triggerData: Record<string, unknown>) {
  const res = await api.post(`/workFlow/${workflowId}/execute`, { triggerData });
  expect(res.status).toBe(202);
  const executionId = res.body.executionId as string;
  // generous: the first executions after start-up wait for consumer groups to settle
  const { execution, logs } = await ended(api, executionId, 60_000);
  const byStep = (stepId: string): Log => {
    const log = logs.find((l) => l.stepId === stepId);
    expect(log, `log of step ${stepId}`).toBeDefined();
    return log as Log;
  };
  return { executionId, execution, logs: logs as Log[], byStep };
}

/** Checks the common shape of a completed step's log row. */
function completed(log: Log, stepType: string, nodeType: string, stepOrder: number) {
  expect({ stepType: log.stepType, nodeType: log.nodeType, stepOrder: log.stepOrder, status: log.status }).toEqual({ stepType, nodeType, stepOrder, status: 'completed' });
  expect(log.duration).toBeGreaterThanOrEqual(0);
  expect(log.attempts).toBeGreaterThanOrEqual(1);
}

/** A terminal WhatsApp reply to the trigger's number (agents and utilities need a next step). */
const replyStep = (messageTemplate: string): Step => ({ stepId: 'reply', stepType: 'action', config: { actionType: 'send_whatsapp', recipient: 'trigger', messageTemplate } });

const whatsappTrigger = (nextStepId: string): Step => ({ stepId: 'trigger', stepType: 'trigger', config: { triggerType: 'whatsapp' }, nextStepId });

/** A unique marker of letters only (digits or short words inside it could steer BotCore's analysers). */
const tag = () => randomUUID().replace(/-/g, '').replace(/[0-9]/g, (d) => 'ghijklmnop'.charAt(Number(d)));

/** A unique phone number per test, so deliveries can be told apart. */
const phone = () => `+9198${Math.floor(10_000_000 + Math.random() * 89_999_999)}`;

describe('node types, each through the whole system', () => {
  beforeAll(async () => {
    const api = await apiAs(ORG);
    expect((await api.post('/channels', { kind: 'whatsapp', value: TEAM_NUMBER_ID, label: 'team' })).status).toBe(201);
    expect((await api.post('/channels', { kind: 'email', value: SUPPORT_ADDRESS })).status).toBe(201);
  });

  describe('triggers shape the trigger data into the fields workflows read', () => {
    it('whatsapp: phone_number, message_text, message_timestamp, message_id — and templates can use each of them', async () => {
      const api = await apiAs(ORG);
      const id = await createWorkflow(api, 'whatsapp trigger', [
        whatsappTrigger('gen'),
        { stepId: 'gen', stepType: 'utility', config: { utilityType: 'text_gen', inputText: '{{message_id}} from {{phone_number}} at {{message_timestamp}}: {{message_text}}' }, nextStepId: 'reply' },
        replyStep('{{generated_text}}'),
      ]);
      const number = phone();
      const triggerData = { phone_number: number, message_text: 'Do you deliver on Sundays?', message_timestamp: '2025-01-02T03:04:05.000Z', message_id: 'wamid.trigger-1', campaign: 'not a trigger field' };
      const { execution, logs, byStep } = await run(api, id, triggerData);

      expect(execution.status).toBe('completed');
      expect(execution.triggerData).toEqual(triggerData);
      expect(logs.map((l) => l.stepId)).toEqual(['trigger', 'gen', 'reply']);
      const trigger = byStep('trigger');
      completed(trigger, 'trigger', 'whatsapp', 0);
      expect(trigger.input).toEqual(triggerData);
      expect(trigger.output).toEqual({ phone_number: number, message_text: 'Do you deliver on Sundays?', message_timestamp: '2025-01-02T03:04:05.000Z', message_id: 'wamid.trigger-1' });
      expect(byStep('gen').input.inputText).toBe(`wamid.trigger-1 from ${number} at 2025-01-02T03:04:05.000Z: Do you deliver on Sundays?`);
    });

    it('email: email_from, email_subject, email_body, email_timestamp (defaulted to the start time when absent)', async () => {
      const api = await apiAs(ORG);
      const id = await createWorkflow(api, 'email trigger', [
        { stepId: 'trigger', stepType: 'trigger', config: { triggerType: 'email' }, nextStepId: 'agent' },
        // no inputText: the agent asks BotCore about the email body
        { stepId: 'agent', stepType: 'agent', config: { agentType: 'conversational', systemPrompt: 'Reply about "{{email_subject}}" to {{email_from}}' }, nextStepId: 'mail' },
        { stepId: 'mail', stepType: 'action', config: { actionType: 'send_email', to: '{{email_from}}', subject: 'Re: {{email_subject}}', body: '{{agent_response}}' } },
      ]);
      const before = Date.now();
      const body = `My invoice ${randomUUID()} shows the wrong address.`;
      const triggerData = { email_from: 'asha@example.com', email_subject: 'Invoice address', email_body: body };
      const { execution, byStep } = await run(api, id, triggerData);

      expect(execution.status).toBe('completed');
      const trigger = byStep('trigger');
      completed(trigger, 'trigger', 'email', 0);
      expect(trigger.input).toEqual(triggerData);
      expect(trigger.output).toEqual({ email_from: 'asha@example.com', email_subject: 'Invoice address', email_body: body, email_timestamp: expect.any(String) });
      const stamped = Date.parse(trigger.output.email_timestamp);
      expect(stamped).toBeGreaterThanOrEqual(before - 1000);
      expect(stamped).toBeLessThanOrEqual(Date.now());

      const call = await botcoreCall('/qna', (b) => b.question === body);
      expect(call.body.systemPrompt).toBe('Reply about "Invoice address" to asha@example.com');
      expect(byStep('mail').input).toMatchObject({ to: 'asha@example.com', subject: 'Re: Invoice address', body: `Answer to: ${body}` });
    });

    it('voice: caller_number, call_duration (0 when absent), call_transcript', async () => {
      const api = await apiAs(ORG);
      const id = await createWorkflow(api, 'voice trigger', [
        { stepId: 'trigger', stepType: 'trigger', config: { triggerType: 'voice' }, nextStepId: 'why' },
        { stepId: 'why', stepType: 'utility', config: { utilityType: 'reason', inputText: '{{call_transcript}}' }, nextStepId: 'callback' },
        { stepId: 'callback', stepType: 'action', config: { actionType: 'send_whatsapp', recipient: 'custom', customRecipient: '{{caller_number}}', messageTemplate: 'Call of {{call_duration}}s noted: {{reason}}' } },
      ]);
      const number = phone();
      const transcript = 'The installer is late and still not here.';
      const { execution, byStep } = await run(api, id, { caller_number: number, call_transcript: transcript });

      expect(execution.status).toBe('completed');
      const trigger = byStep('trigger');
      completed(trigger, 'trigger', 'voice', 0);
      expect(trigger.input).toEqual({ caller_number: number, call_transcript: transcript });
      expect(trigger.output).toEqual({ caller_number: number, call_duration: 0, call_transcript: transcript });
      expect(byStep('why').input.inputText).toBe(transcript);
      expect(byStep('callback').input).toMatchObject({ customRecipient: number, messageTemplate: `Call of 0s noted: Delivery or response delay: ${transcript}` });
      expect(byStep('callback').output).toMatchObject({ message_sent: true, recipient: number });
    });
  });

  describe('agents ask BotCore /qna', () => {
    it('conversational: question, uuid = the org-namespaced memoryContext, chatHistory from the context; answers agent_response', async () => {
      const api = await apiAs(ORG);
      const memory = `memory-${randomUUID()}`;
      const id = await createWorkflow(api, 'conversational agent', [
        whatsappTrigger('agent'),
        { stepId: 'agent', stepType: 'agent', config: { agentType: 'conversational', inputText: 'Customer asks: {{message_text}}', memoryContext: memory, systemPrompt: 'Be brief.' }, nextStepId: 'reply' },
        replyStep('{{agent_response}}'),
      ]);
      const chatHistory = [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello! How can I help?' },
      ];
      const { execution, byStep } = await run(api, id, { phone_number: phone(), message_text: 'Where is my order?', chatHistory });

      expect(execution.status).toBe('completed');
      const call = await botcoreCall('/qna', (b) => b.uuid === memoryOf(memory));
      expect(call.body).toEqual({ question: 'Customer asks: Where is my order?', uuid: memoryOf(memory), chatHistory, systemPrompt: 'Be brief.' });
      const agent = byStep('agent');
      completed(agent, 'agent', 'conversational', 1);
      expect(agent.input).toEqual({ agentType: 'conversational', inputText: 'Customer asks: Where is my order?', memoryContext: memory, systemPrompt: 'Be brief.' });
      expect(agent.output).toEqual({ agent_response: 'Answer to: Customer asks: Where is my order?' });
      expect(byStep('reply').input.messageTemplate).toBe('Answer to: Customer asks: Where is my order?');
    });

    it('decision: Approve / Reject / Review with confidence, parsed robustly from the answer (negations included)', async () => {
      const api = await apiAs(ORG);
      const id = await createWorkflow(api, 'decision agent', [
        whatsappTrigger('decide'),
        { stepId: 'decide', stepType: 'agent', config: { agentType: 'decision', inputText: '{{message_text}}' }, nextStepId: 'reply' },
        replyStep('Decision {{decision}} with confidence {{confidence}}'),
      ]);
      const cases = [
        { marker: '[decide:reject]', decision: 'Reject', confidence: 0.88, answer: 'I cannot approve this request. Decision: Reject (confidence 0.88). The documents provided are incomplete.' },
        { marker: '[decide:approve-negated]', decision: 'Approve', confidence: 0.85, answer: 'I see no reason to reject this. Decision: Approve (confidence 0.85). All checks passed.' },
        { marker: '[decide:review]', decision: 'Review', confidence: 0.61 },
        { marker: '[decide:approve] [confidence:0.73]', decision: 'Approve', confidence: 0.73 },
        { marker: '[decide:unclear]', decision: 'Review', confidence: 0.5, answer: 'It is hard to say from the information given; more context is needed.' },
      ];
      const runs = await Promise.all(cases.map((c) => run(api, id, { phone_number: phone(), message_text: `${c.marker} Refund request ${randomUUID()}` })));

      runs.forEach(({ execution, byStep }, i) => {
        const c = cases[i]!;
        expect(execution.status, c.marker).toBe('completed');
        const agent = byStep('decide');
        completed(agent, 'agent', 'decision', 1);
        expect(agent.output, c.marker).toMatchObject({ decision: c.decision, confidence: c.confidence, agent_response: expect.any(String) });
        if (c.answer) expect(agent.output.agent_response).toBe(c.answer);
        expect(byStep('reply').input.messageTemplate).toBe(`Decision ${c.decision} with confidence ${c.confidence}`);
      });
      // without a memoryContext the decision agent uses BotCore's decision agent memory
      const question = runs[0]!.byStep('trigger').output.message_text as string;
      const call = await botcoreCall('/qna', (b) => b.question === question);
      expect(call.body).toEqual({ question, uuid: memoryOf('decorpot-agent-uuid'), chatHistory: [] });
    });

    it('reasoning: reasoning is the whole answer, conclusion its conclusion; uuid defaults to one per execution', async () => {
      const api = await apiAs(ORG);
      const id = await createWorkflow(api, 'reasoning agent', [
        whatsappTrigger('think'),
        { stepId: 'think', stepType: 'agent', config: { agentType: 'reasoning', inputText: 'Order {{message_id}}: {{message_text}}' }, nextStepId: 'reply' },
        replyStep('We think: {{conclusion}}'),
      ]);
      const text = 'It left on Monday and transit takes two days. Conclusion: it arrives Wednesday';
      const { executionId, execution, byStep } = await run(api, id, { phone_number: phone(), message_text: text, message_id: `wamid.${randomUUID()}` });

      expect(execution.status).toBe('completed');
      const agent = byStep('think');
      completed(agent, 'agent', 'reasoning', 1);
      const question = `Order ${byStep('trigger').output.message_id}: ${text}`;
      expect(agent.input).toEqual({ agentType: 'reasoning', inputText: question });
      expect(agent.output).toEqual({ reasoning: `Answer to: ${question}`, conclusion: 'it arrives Wednesday' });
      const call = await botcoreCall('/qna', (b) => b.question === question);
      expect(call.body.uuid).toBe(memoryOf(`reasoning-${executionId}`));
      expect(call.body.chatHistory).toEqual([]);
      expect(byStep('reply').input.messageTemplate).toBe('We think: it arrives Wednesday');
    });
  });

  describe('utilities call their BotCore endpoint', () => {
    /** trigger → one utility → a WhatsApp reply rendering `replyTemplate` from its output. */
    async function runUtility(config: Record<string, unknown>, messageText: string, replyTemplate: string) {
      const api = await apiAs(ORG);
      const id = await createWorkflow(api, `utility ${String(config.utilityType)}`, [whatsappTrigger('util'), { stepId: 'util', stepType: 'utility', config, nextStepId: 'reply' }, replyStep(replyTemplate)]);
      const result = await run(api, id, { phone_number: phone(), message_text: messageText });
      expect(result.execution.status).toBe('completed');
      completed(result.byStep('util'), 'utility', String(config.utilityType), 1);
      return result;
    }

    it('text_gen: /generate-answer with question, temperature and system prompt; answers generated_text', async () => {
      const marker = randomUUID();
      // a step's config may hold temperature as a string; it reaches BotCore as a number
      const { byStep } = await runUtility({ utilityType: 'text_gen', inputText: 'Write a thank-you note for: {{message_text}}', temperature: '0.3', systemPrompt: 'Warm tone' }, `order ${marker}`, '{{generated_text}}');
      const util = byStep('util');
      expect(util.input).toEqual({ utilityType: 'text_gen', inputText: `Write a thank-you note for: order ${marker}`, temperature: 0.3, systemPrompt: 'Warm tone' });
      expect(util.output).toEqual({ generated_text: `Generated text for: Write a thank-you note for: order ${marker}` });
      const call = await botcoreCall('/generate-answer', (b) => String(b.question).includes(marker));
      expect(call.body).toEqual({ question: `Write a thank-you note for: order ${marker}`, uuid: memoryOf('text-gen-uuid'), temperature: 0.3, systemPrompt: 'Warm tone' });
      expect(byStep('reply').input.messageTemplate).toBe(`Generated text for: Write a thank-you note for: order ${marker}`);
    });

    it('sentiment: /sentiment-analysis; answers sentiment and sentiment_score', async () => {
      const text = `I love this product, the support was great ${tag()}`;
      const { byStep } = await runUtility({ utilityType: 'sentiment', inputText: '{{message_text}}' }, text, '{{sentiment}} {{sentiment_score}}');
      expect(byStep('util').input).toEqual({ utilityType: 'sentiment', inputText: text });
      expect(byStep('util').output).toEqual({ sentiment: 'positive', sentiment_score: 1 });
      expect((await botcoreCall('/sentiment-analysis', (b) => b.text === text)).body).toEqual({ text });
      expect(byStep('reply').input.messageTemplate).toBe('positive 1');
    });

    it('intent: /intent; answers intent and confidence', async () => {
      const text = `I want to buy and order the premium plan ${tag()}`;
      const { byStep } = await runUtility({ utilityType: 'intent', inputText: '{{message_text}}' }, text, '{{intent}} {{confidence}}');
      expect(byStep('util').input).toEqual({ utilityType: 'intent', inputText: text });
      expect(byStep('util').output).toEqual({ intent: 'purchase', confidence: 0.9 });
      expect((await botcoreCall('/intent', (b) => b.text === text)).body).toEqual({ text });
      expect(byStep('reply').input.messageTemplate).toBe('purchase 0.9');
    });

    it('vulnerability: /vulnerability-analysis; answers vulnerabilities and risk_level', async () => {
      const text = `Please look up '; DROP TABLE users; -- for me ${tag()}`;
      const { byStep } = await runUtility({ utilityType: 'vulnerability', inputText: '{{message_text}}' }, text, 'risk {{risk_level}}: {{vulnerabilities}}');
      expect(byStep('util').input).toEqual({ utilityType: 'vulnerability', inputText: text });
      expect(byStep('util').output).toEqual({ vulnerabilities: ['sql_injection'], risk_level: 'high' });
      expect((await botcoreCall('/vulnerability-analysis', (b) => b.text === text)).body).toEqual({ text });
      // a non-string value renders as JSON
      expect(byStep('reply').input.messageTemplate).toBe('risk high: ["sql_injection"]');
    });

    it('reason: /reason-analysis; answers reason', async () => {
      const text = `My delivery is late again ${tag()}`;
      const { byStep } = await runUtility({ utilityType: 'reason', inputText: 'Why is the customer writing? {{message_text}}' }, text, '{{reason}}');
      const sent = `Why is the customer writing? ${text}`;
      expect(byStep('util').input).toEqual({ utilityType: 'reason', inputText: sent });
      // the reason names the category and quotes the first sentence
      expect(byStep('util').output).toEqual({ reason: 'Delivery or response delay: Why is the customer writing?' });
      expect((await botcoreCall('/reason-analysis', (b) => b.text === sent)).body).toEqual({ text: sent });
    });

    it('custom: /qna with the system prompt and the custom-ai memory; answers custom_output', async () => {
      const text = `Translate to French: good morning ${tag()}`;
      const { byStep } = await runUtility({ utilityType: 'custom', inputText: '{{message_text}}', systemPrompt: 'You translate for {{phone_number}}' }, text, '{{custom_output}}');
      const number = byStep('trigger').output.phone_number as string;
      expect(byStep('util').input).toEqual({ utilityType: 'custom', inputText: text, systemPrompt: `You translate for ${number}` });
      expect(byStep('util').output).toEqual({ custom_output: `Answer to: ${text}` });
      const call = await botcoreCall('/qna', (b) => b.question === text);
      expect(call.body).toEqual({ question: text, uuid: memoryOf('custom-ai-uuid'), chatHistory: [], systemPrompt: `You translate for ${number}` });
    });
  });

  describe('actions reach the outside world', () => {
    it('send_whatsapp: the WhatsApp Cloud API stand-in got the text once per step, with the Idempotency-Key', async () => {
      const api = await apiAs(ORG);
      const id = await createWorkflow(api, 'send whatsapp', [
        whatsappTrigger('reply'),
        { stepId: 'reply', stepType: 'action', config: { actionType: 'send_whatsapp', recipient: 'trigger', messageTemplate: 'Thanks for "{{message_text}}", we are on it.' }, nextStepId: 'forward' },
        { stepId: 'forward', stepType: 'action', config: { actionType: 'send_whatsapp', recipient: 'custom', customRecipient: '+4915112345678', phoneNumberId: TEAM_NUMBER_ID, messageTemplate: 'New message from {{phone_number}}: {{message_text}}' } },
      ]);
      const number = phone();
      const { executionId, execution, byStep } = await run(api, id, { phone_number: number, message_text: 'My fridge is broken' });

      expect(execution.status).toBe('completed');
      const reply = byStep('reply');
      completed(reply, 'action', 'send_whatsapp', 1);
      expect(reply.input).toEqual({ actionType: 'send_whatsapp', recipient: 'trigger', messageTemplate: 'Thanks for "My fridge is broken", we are on it.' });
      const forward = byStep('forward');
      completed(forward, 'action', 'send_whatsapp', 2);
      expect(forward.input).toEqual({ actionType: 'send_whatsapp', recipient: 'custom', customRecipient: '+4915112345678', phoneNumberId: TEAM_NUMBER_ID, messageTemplate: `New message from ${number}: My fridge is broken` });

      const mine = (await whatsapp().deliveries()).filter((d) => String(d.idempotencyKey).startsWith(`${executionId}:`));
      expect(mine).toHaveLength(2);
      const toCustomer = mine.find((d) => d.idempotencyKey === `${executionId}:reply`);
      const toTeam = mine.find((d) => d.idempotencyKey === `${executionId}:forward`);
      expect(toCustomer).toMatchObject({ to: number, text: 'Thanks for "My fridge is broken", we are on it.', type: 'text', apiVersion: 'v21.0', phoneNumberId: '100000000000001' });
      expect(toTeam).toMatchObject({ to: '+4915112345678', text: `New message from ${number}: My fridge is broken`, phoneNumberId: TEAM_NUMBER_ID });
      expect(reply.output).toEqual({ message_sent: true, message_id: toCustomer.messageId, status: 'sent', recipient: number });
      expect(forward.output).toEqual({ message_sent: true, message_id: toTeam.messageId, status: 'sent', recipient: '+4915112345678' });

      const request = (await whatsapp().requests()).find((r) => r.headers['idempotency-key'] === `${executionId}:reply`);
      expect(request?.headers.authorization).toBe('Bearer whatsapp-test-token');
      expect(request?.body).toMatchObject({ messaging_product: 'whatsapp', to: number, type: 'text', text: { body: 'Thanks for "My fridge is broken", we are on it.' } });
    });

    it('send_email: the SMTP stand-in received the mail with the rendered to, subject and body', async () => {
      const api = await apiAs(ORG);
      const id = await createWorkflow(api, 'send email', [
        { stepId: 'trigger', stepType: 'trigger', config: { triggerType: 'email' }, nextStepId: 'mail' },
        { stepId: 'mail', stepType: 'action', config: { actionType: 'send_email', from: `Support <${SUPPORT_ADDRESS}>`, to: '{{email_from}}', subject: 'Re: {{email_subject}}', body: 'Hello,\nwe received: {{email_body}}\nBotWot' } },
      ]);
      const sender = `customer-${randomUUID().slice(0, 8)}@example.com`;
      const { executionId, execution, byStep } = await run(api, id, { email_from: sender, email_subject: 'Broken hinge', email_body: 'The cabinet hinge broke.' });

      expect(execution.status).toBe('completed');
      const mail = byStep('mail');
      completed(mail, 'action', 'send_email', 1);
      expect(mail.input).toEqual({ actionType: 'send_email', from: `Support <${SUPPORT_ADDRESS}>`, to: sender, subject: 'Re: Broken hinge', body: 'Hello,\nwe received: The cabinet hinge broke.\nBotWot' });

      const received = (await smtp().deliveries()).filter((m) => m.headers['x-idempotency-key'] === `${executionId}:mail`);
      expect(received).toHaveLength(1);
      const got = received[0];
      expect(got).toMatchObject({ from: SUPPORT_ADDRESS, to: [sender], subject: 'Re: Broken hinge', text: 'Hello,\nwe received: The cabinet hinge broke.\nBotWot' });
      expect(got.messageId).toContain(`${executionId}:mail@botwot.engine`);
      expect(mail.output).toEqual({ email_sent: true, email_id: expect.stringContaining(`${executionId}:mail@botwot.engine`), accepted: [sender] });
    });

    it('initiate_call: the voice stand-in got toNumber and agentId; answers call_id', async () => {
      const api = await apiAs(ORG);
      const id = await createWorkflow(api, 'initiate call', [
        { stepId: 'trigger', stepType: 'trigger', config: { triggerType: 'voice' }, nextStepId: 'call' },
        { stepId: 'call', stepType: 'action', config: { actionType: 'initiate_call', phoneNumber: '{{caller_number}}', voiceAgent: 'sales-agent-7' } },
      ]);
      const number = phone();
      const { executionId, execution, byStep } = await run(api, id, { caller_number: number, call_duration: 42, call_transcript: 'Please call me back' });

      expect(execution.status).toBe('completed');
      const call = byStep('call');
      completed(call, 'action', 'initiate_call', 1);
      expect(call.input).toEqual({ actionType: 'initiate_call', phoneNumber: number, voiceAgent: 'sales-agent-7' });
      const calls = (await voice().deliveries()).filter((c) => c.idempotencyKey === `${executionId}:call`);
      expect(calls).toHaveLength(1);
      expect(calls[0]).toMatchObject({ toNumber: number, agentId: 'sales-agent-7' });
      expect(call.output).toEqual({ call_initiated: true, call_id: calls[0].callId });
      expect(calls[0].callId).toMatch(/^CA[0-9a-f]{32}$/);
    });

    it('update_crm: create then update; the CRM stand-in records the fields rendered from templates (fields as a JSON string)', async () => {
      const api = await apiAs(ORG);
      const id = await createWorkflow(api, 'update crm', [
        whatsappTrigger('create'),
        {
          stepId: 'create',
          stepType: 'action',
          config: { actionType: 'update_crm', crmSystem: 'default', action: 'create', object: 'lead', fields: '{"phone":"{{phone_number}}","note":"{{message_text}}","source":"whatsapp"}' },
          nextStepId: 'update',
        },
        {
          stepId: 'update',
          stepType: 'action',
          config: { actionType: 'update_crm', crmSystem: 'default', action: 'update', recordId: '{{steps.create.record_id}}', fields: { status: 'contacted', last_message_id: '{{message_id}}' } },
        },
      ]);
      const number = phone();
      // quotes in a value cannot break the JSON string: it is parsed before templating
      const note = 'Need a quote for "Kitchen Deluxe", 3m wide';
      const { executionId, execution, byStep } = await run(api, id, { phone_number: number, message_text: note, message_id: 'wamid.crm-1' });

      expect(execution.status).toBe('completed');
      const create = byStep('create');
      completed(create, 'action', 'update_crm', 1);
      expect(create.input).toEqual({ actionType: 'update_crm', crmSystem: 'default', action: 'create', object: 'lead', fields: { phone: number, note, source: 'whatsapp' } });
      const writes = (await crm().deliveries()).filter((w) => String(w.idempotencyKey).startsWith(`${executionId}:`));
      expect(writes).toHaveLength(2);
      const created = writes.find((w) => w.op === 'create');
      expect(created).toMatchObject({ object: 'lead', idempotencyKey: `${executionId}:create`, fields: { phone: number, note, source: 'whatsapp' } });
      expect(create.output).toEqual({ crm_updated: true, crm_system: 'default', action: 'create', record_id: created.id });

      const update = byStep('update');
      completed(update, 'action', 'update_crm', 2);
      expect(update.input).toEqual({ actionType: 'update_crm', crmSystem: 'default', action: 'update', recordId: created.id, fields: { status: 'contacted', last_message_id: 'wamid.crm-1' } });
      expect(writes.find((w) => w.op === 'update')).toMatchObject({ id: created.id, idempotencyKey: `${executionId}:update`, fields: { status: 'contacted', last_message_id: 'wamid.crm-1' } });
      expect(update.output).toEqual({ crm_updated: true, crm_system: 'default', action: 'update', record_id: created.id });

      const record = (await (await fetch(`${inject('system').standIns.crm}/records/${created.id}`)).json()) as { object: string; fields: Record<string, unknown> };
      expect(record).toMatchObject({ object: 'lead', fields: { phone: number, note, source: 'whatsapp', status: 'contacted', last_message_id: 'wamid.crm-1' } });
    });
  });
});
