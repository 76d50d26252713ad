import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { createEvent, ids, TOPICS } from '@botwot/shared/events';
import { DLQ_HEADERS, jsonCodec, registryCodec } from '@botwot/shared/kafka';
import { repoRoot } from '@botwot/launcher';
import { apiAs, ended, type Api } from './api-client.js';
import { launchBrowser, type TestBrowser } from './browser.js';

/**
 * The operations console in a real headless Chromium against the real stack: sign in, a workflow's
 * graph and validation errors, an execution watched from running to completed, a failed one with its
 * error, a retry with the side-effect preview, a cancel, dead letters, a phone-sized screen, and an
 * org that sees none of it. Every page's screenshot goes to .local/screenshots/console/; with
 * UPDATE_DOCS_SCREENSHOTS=1 to docs/console/, the README's pictures (a test run leaves the tracked
 * files alone otherwise).
 */

const system = inject('system');
const run = Math.random().toString(36).slice(2, 8);
const shots = process.env.UPDATE_DOCS_SCREENSHOTS === '1' ? path.join(repoRoot(), 'docs', 'console') : path.join(repoRoot(), '.local', 'screenshots', 'console');
const PHONE = '+919800000001';
const WAIT = { timeout: 30_000 };

let a: Api;
let b: Api;
let browser: TestBrowser;
let page: Page;
let loanId: string;
let draftId: string;
let failedId: string;

async function knobs(base: string, values: Record<string, unknown>) {
  const res = await fetch(`${base}/__admin/knobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(values) });
  expect(res.status).toBe(200);
}

/**
 * A valid execution request of org A, dead-lettered as a consumer does after giving up on it
 * (the way the dead-letter route's own test makes one), so the page has something of A's to show.
 */
async function deadLetterRequest(text: string): Promise<string> {
  const executionId = randomUUID();
  const event = createEvent('execution.requested', {
    orgId: `org-console-${run}`,
    executionId,
    eventId: ids.requestedEvent(executionId),
    data: { workflowId: loanId, version: 1, userId: 'ops-anna', mode: 'live', triggerData: { phone_number: PHONE, message_text: text } },
  });
  const codec = system.schemaRegistryUrl ? registryCodec(system.schemaRegistryUrl) : jsonCodec();
  const kafka = new Kafka({ clientId: 'console-test', brokers: system.kafkaBrokers, logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  await producer.connect();
  try {
    await producer.send({
      topic: TOPICS.deadLetter,
      acks: -1,
      messages: [
        {
          key: executionId,
          value: await codec.encode(event),
          headers: {
            'event-type': event.type,
            [DLQ_HEADERS.reason]: 'handler failed: the orchestrator gave up after its retries',
            [DLQ_HEADERS.sourceTopic]: TOPICS.executionRequested,
            [DLQ_HEADERS.sourcePartition]: '0',
            // far past anything the test stack writes: no real message has these coordinates
            [DLQ_HEADERS.sourceOffset]: '999999997',
            [DLQ_HEADERS.service]: 'orchestrator',
            [DLQ_HEADERS.at]: new Date().toISOString(),
          },
        },
      ],
    });
  } finally {
    await producer.disconnect();
  }
  return executionId;
}

/** Goes to a console page by its address after `#` (same document: the app routes it). */
async function open(hash: string) {
  await page.goto(`${system.gatewayUrl}/console${hash}`);
}

async function shot(name: string, p: Page = page) {
  await p.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true, animations: 'disabled' });
}

const loanSteps = [
  { stepId: 'trigger', stepType: 'trigger', config: { triggerType: 'whatsapp' }, nextStepId: 'decide' },
  {
    stepId: 'decide',
    stepType: 'agent',
    config: { agentType: 'decision', inputText: 'Should we approve: {{message_text}}' },
    routes: [
      { when: { field: 'decision', equals: 'Approve' }, nextStepId: 'approved' },
      { when: { field: 'decision', equals: 'Reject' }, nextStepId: 'rejected' },
    ],
    nextStepId: 'review',
    onFailureStepId: 'apologise',
  },
  { stepId: 'approved', stepType: 'action', config: { actionType: 'send_whatsapp', recipient: 'trigger', messageTemplate: 'Approved ({{confidence}})' } },
  { stepId: 'rejected', stepType: 'action', config: { actionType: 'send_email', to: 'risk@example.com', subject: 'Rejected', body: '{{steps.decide.agent_response}}' } },
  { stepId: 'review', stepType: 'action', config: { actionType: 'update_crm', crmSystem: 'default', action: 'create', fields: { phone: '{{phone_number}}', status: 'review' } } },
  { stepId: 'apologise', stepType: 'action', config: { actionType: 'send_whatsapp', recipient: 'trigger', messageTemplate: 'Sorry, we could not decide: {{error_message}}' } },
];

const execute = (text: string) => a.post(`/workFlow/${loanId}/execute`, { triggerData: { phone_number: PHONE, message_text: text } });

/** Runs the loan workflow to its end (a first run on a cold stack may take a while). */
async function runToEnd(text: string) {
  const started = await execute(text);
  expect(started.status).toBe(202);
  return ended(a, started.body.executionId as string, 60_000);
}

beforeAll(async () => {
  fs.mkdirSync(shots, { recursive: true });
  a = await apiAs(`org-console-${run}`, 'ops-anna');
  b = await apiAs(`org-console-other-${run}`, 'ops-ben');
  const loan = await a.post('/workFlow', { name: 'Loan request triage', description: 'A WhatsApp request, decided by an agent, answered on the channel that fits', steps: loanSteps });
  expect(loan.status).toBe(201);
  loanId = loan.body.id;
  const draft = await a.post('/workFlow', {
    name: 'Draft: complaint escalation',
    steps: [
      { stepId: 'trigger', stepType: 'trigger', config: { triggerType: 'email' }, nextStepId: 'mood' },
      { stepId: 'mood', stepType: 'utility', config: { utilityType: 'sentiment' }, routes: [{ when: { field: 'sentiment', equals: 'negative' }, nextStepId: 'escalate' }], nextStepId: 'thank' },
      { stepId: 'thank', stepType: 'action', config: { actionType: 'send_email', to: '{{email_from}}' } },
    ],
  });
  expect(draft.status).toBe(201);
  draftId = draft.body.id;
  // history to show: one of each branch
  for (const text of ['[decide:approve] 5,000 INR for a fridge', '[decide:reject] a yacht', '[decide:review] a loan for a loan']) expect((await runToEnd(text)).execution.status).toBe('completed');
  browser = await launchBrowser();
  page = await browser.newPage({ width: 1280, height: 800 });
});

afterAll(async () => {
  await knobs(system.standIns.botcore, { latencyMs: 0, failNext: 0 });
  await knobs(system.standIns.whatsapp, { failNext: 0 });
  await browser?.close();
});

afterEach(({ task }) => {
  // every page of every step so far, without an error in the browser's console
  if (task.name.startsWith('another org')) return;
  expect(browser.errors).toEqual([]);
});

describe('the console in a real browser', () => {
  it('signs in by pasting a token, and says what is wrong with one that is not', async () => {
    await open('');
    await page.locator('textarea#token').waitFor(WAIT);
    await shot('sign-in');
    await page.fill('textarea#token', 'not-a-token');
    await page.click('button[type=submit]');
    await page.locator('#token-problem', { hasText: 'not a JWT' }).waitFor(WAIT);
    await page.fill('textarea#token', a.token);
    await page.click('button[type=submit]');
    await page.locator(`tr[data-workflow-id="${loanId}"]`).waitFor(WAIT);
    await page.locator(`tr[data-workflow-id="${draftId}"]`).waitFor(WAIT);
    expect(await page.locator('.who').getAttribute('data-org')).toBe(`org-console-${run}`);
    // the loan workflow's last execution and its status
    await page.locator(`tr[data-workflow-id="${loanId}"] [data-status="completed"]`).waitFor(WAIT);
    await shot('workflows');
  });

  it('opens a workflow: its steps as a graph with branches, keyboard-navigable, and validation errors on the steps they name', async () => {
    await page.click(`tr[data-workflow-id="${loanId}"] a`);
    await page.locator('.graph [data-step-id="decide"]').waitFor(WAIT);
    expect(await page.locator('.graph .node').count()).toBe(6);
    const labels = await page.locator('.graph .edge-label').allTextContents();
    expect(labels).toEqual(expect.arrayContaining(['decision = Approve', 'decision = Reject', 'otherwise', 'on failure']));
    await page.locator('[data-valid="true"]').waitFor(WAIT);
    // keyboard only: Tab to the first step of the graph, Enter opens its configuration
    for (let i = 0; i < 60; i++) {
      if (await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset?.stepId === 'trigger')) break;
      await page.keyboard.press('Tab');
    }
    expect(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset?.stepId)).toBe('trigger');
    await page.keyboard.press('Enter');
    await page.locator('.step-definition', { hasText: 'triggerType' }).waitFor(WAIT);
    await page.locator(`tr[data-execution-id]`).first().waitFor(WAIT);
    await shot('workflow');

    await open(`#/workflows/${draftId}`);
    await page.locator('[data-valid="false"]').waitFor(WAIT);
    expect(await page.locator('.graph .node-invalid[data-step-id="mood"] .node-errors').textContent()).toBe('2');
    expect(await page.locator('.graph .node-invalid[data-step-id="thank"]').count()).toBe(1);
    expect(await page.locator('.graph .node-missing[data-step-id="escalate"]').count()).toBe(1);
    expect(await page.locator('.validation-errors li').allTextContents()).toEqual(expect.arrayContaining([expect.stringMatching(/^mood: .*missing step escalate/)]));
    await shot('workflow-invalid');
  });

  it('shows an execution go from running to completed, live, without reloading', async () => {
    await open(`#/workflows/${loanId}`);
    await page.locator('[data-live="stream"], [data-live="polling"]').waitFor(WAIT);
    await knobs(system.standIns.botcore, { latencyMs: 4_000 });
    const started = await execute('[decide:approve] 2,000 INR for a phone');
    expect(started.status).toBe(202);
    const id = started.body.executionId as string;
    // the list picks it up by itself
    await page.locator(`tr[data-execution-id="${id}"][data-status="running"]`).waitFor(WAIT);
    await page.click(`tr[data-execution-id="${id}"] a[href*="executions"]`);
    await page.locator(`section.execution[data-execution-id="${id}"][data-status="running"]`).waitFor(WAIT);
    await page.locator('.tl-row[data-step-id="trigger"]').waitFor(WAIT);
    await page.locator('.tl-pending').waitFor(WAIT);
    await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));
    await shot('execution-running');
    await page.locator(`section.execution[data-execution-id="${id}"][data-status="completed"]`).waitFor(WAIT);
    await knobs(system.standIns.botcore, { latencyMs: 0 });
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
    expect(await page.locator('.tl-row[data-step-id]').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.stepId))).toEqual(['trigger', 'decide', 'approved']);
    await page.locator('[data-live="ended"]').waitFor(WAIT);
    await page.click('.tl-row[data-step-id="decide"] .tl-label');
    await page.locator('details#step-decide[open]', { hasText: 'Approve' }).waitFor(WAIT);
    await shot('execution-completed');
  });

  it('opens a failed execution from the filtered list and shows the failed step and its error', async () => {
    await knobs(system.standIns.whatsapp, { failNext: 1, errorStatus: 400 });
    const failed = await runToEnd('[decide:approve] 800 INR for a bicycle');
    expect(failed.execution.status).toBe('failed');
    failedId = failed.execution.executionId;
    await open(`#/workflows/${loanId}`);
    await page.selectOption('select[name=status]', 'failed');
    await page.waitForURL(/status=failed/);
    const row = page.locator(`tr[data-execution-id="${failedId}"][data-status="failed"]`);
    // the filtered list, not the unfiltered one still shown while it loads (it holds the row too):
    // exactly one row, this one
    await page.waitForFunction(
      (id) => {
        const rows = document.querySelectorAll('tr[data-execution-id]');
        return rows.length === 1 && rows[0]?.getAttribute('data-execution-id') === id;
      },
      failedId,
      WAIT,
    );
    await row.locator('a', { hasText: 'approved' }).click();
    const failure = page.locator('section.execution > .failure[data-error-code="UPSTREAM_400"]');
    await failure.waitFor(WAIT);
    expect(await failure.textContent()).toContain('whatsapp answered 400');
    await page.locator('details#step-approved[open] .step-body', { hasText: 'UPSTREAM_400' }).waitFor(WAIT);
    await page.locator('.tl-row[data-step-id="approved"][data-status="failed"]').waitFor(WAIT);
    await shot('execution-failed');
  });

  it('retries the failed execution from its failed step with the side-effect preview, and shows the new execution', async () => {
    expect(await page.locator('input[name=from][value=failed_step]').isChecked()).toBe(true);
    expect(await page.locator('.retry button.primary').isDisabled()).toBe(true);
    await page.click('text=Preview side effects');
    const preview = page.locator('[data-preview="ready"]');
    await preview.waitFor(WAIT);
    const text = (await preview.textContent()) ?? '';
    expect(text).toContain('approved');
    expect(text).toContain(PHONE);
    expect(text.toLowerCase()).toContain('whatsapp');
    await shot('retry-preview');
    await page.click('.retry button.primary');
    await page.waitForURL((url) => url.hash.startsWith('#/executions/') && !url.hash.includes(failedId), WAIT);
    const newId = decodeURIComponent(new URL(page.url()).hash.replace('#/executions/', ''));
    await page.locator(`section.execution[data-execution-id="${newId}"][data-status="completed"]`).waitFor(WAIT);
    expect(await page.locator('.facts', { hasText: 'Retry of' }).textContent()).toContain(failedId);
    // it ran what the preview said, and sent the message it listed
    const retried = await ended(a, newId);
    expect(retried.execution.retryOf).toMatchObject({ executionId: failedId, from: 'failed_step' });
    expect(retried.logs.find((l) => l.stepId === 'approved')).toMatchObject({ status: 'completed', output: { recipient: PHONE } });
    await shot('execution-retried');
  });

  it('cancels a slow execution from its page', async () => {
    await knobs(system.standIns.botcore, { latencyMs: 6_000 });
    const started = await execute('[decide:approve] please wait');
    const id = started.body.executionId as string;
    await open(`#/executions/${id}`);
    await page.locator(`section.execution[data-execution-id="${id}"][data-status="running"]`).waitFor(WAIT);
    await page.click('text=Cancel execution');
    await page.click('text=Yes, cancel it');
    await page.locator(`section.execution[data-execution-id="${id}"][data-status="cancelled"]`).waitFor(WAIT);
    expect(await page.locator('.facts', { hasText: 'Cancelled' }).textContent()).toContain('cancelled from the console');
    // the agent step was running: it finishes later, noted, and the page shows it; nothing after it ran
    await page.click('.tl-row[data-step-id="decide"] .tl-label', WAIT);
    await page.locator('details#step-decide[open] .notice', { hasText: 'cancelled' }).waitFor(WAIT);
    expect(await page.locator('.tl-row[data-step-id]').count()).toBe(2);
    await knobs(system.standIns.botcore, { latencyMs: 0 });
    await shot('execution-cancelled');
    const list = await a.get(`/workFlow/${loanId}/executions?status=cancelled`);
    expect(list.body.executions.map((e: { executionId: string }) => e.executionId)).toContain(id);
  });

  it('lists dead letters with reason, topic and age, and replays one after a dry run', async () => {
    const executionId = await deadLetterRequest('[decide:approve] dead-lettered, then replayed');
    await open('#/dead-letters');
    // the topic is read when the page opens and on Refresh: refresh until the new dead letter is in
    const row = page.locator('tr[data-dead-letter-id]', { has: page.locator(`a[href$="${executionId}"]`) });
    const refresh = page.locator('button', { hasText: 'Refresh' });
    for (let i = 0; i < 30; i++) {
      await refresh.and(page.locator(':enabled')).waitFor(WAIT);
      if (await row.count()) break;
      await refresh.click();
    }
    await row.waitFor(WAIT);
    const text = (await row.textContent()) ?? '';
    expect(text).toContain('the orchestrator gave up');
    expect(text).toContain(TOPICS.executionRequested);
    expect(await row.locator('td[data-label="Age"]').textContent()).toMatch(/^(just now|\d+ (s|min|h|d) ago)$/);
    expect(await page.locator('button', { hasText: 'Replay' }).isDisabled()).toBe(true);
    await row.locator('input[type=checkbox]').check();
    await page.click('text=Dry run (1)');
    await page.locator('[data-replay="dry-run"] [data-outcome="would-replay"]').waitFor(WAIT);
    await shot('dead-letters');
    await page.click('button.primary:has-text("Replay")');
    await page.locator('[data-replay="replayed"] [data-outcome="replayed"]').waitFor(WAIT);
    // the replayed request ran
    expect((await ended(a, executionId, 60_000)).execution.status).toBe('completed');
  });

  it('reads well on a phone: no sideways scrolling, tables as cards', async () => {
    const phone = await browser.newPage({ width: 390, height: 844 });
    try {
      await phone.goto(`${system.gatewayUrl}/console#token=${a.token}`);
      await phone.locator(`tr[data-workflow-id="${loanId}"]`).waitFor(WAIT);
      await phone.goto(`${system.gatewayUrl}/console#/executions/${failedId}`);
      await phone.locator('section.execution > .failure[data-error-code="UPSTREAM_400"]').waitFor(WAIT);
      expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      await shot('execution-phone', phone);
      await phone.goto(`${system.gatewayUrl}/console#/workflows/${loanId}`);
      await phone.locator('tr[data-execution-id]').first().waitFor(WAIT);
      expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      await shot('workflow-phone', phone);
    } finally {
      await phone.close();
    }
  });

  it('another org, signed in by link, sees none of it', async () => {
    const before = browser.errors.length;
    const other = await browser.newPage({ width: 1280, height: 800 });
    try {
      await other.goto(`${system.gatewayUrl}/console#token=${b.token}`);
      await other.locator('h1', { hasText: 'Workflows' }).waitFor(WAIT);
      // the token left the address at once
      expect(other.url()).not.toContain(b.token);
      expect(await other.locator('.who').getAttribute('data-org')).toBe(`org-console-other-${run}`);
      await other.locator('text=no workflows yet').waitFor(WAIT);
      await shot('other-org', other);
      for (const [hash, what] of [
        [`#/workflows/${loanId}`, 'workflow not found'],
        [`#/executions/${failedId}`, 'execution not found'],
      ] as const) {
        await other.goto(`${system.gatewayUrl}/console${hash}`);
        await other.locator('[role=alert]', { hasText: what }).waitFor(WAIT);
        const body = (await other.locator('main').textContent()) ?? '';
        for (const secret of ['Loan request triage', PHONE, 'decide', 'approved']) expect(body).not.toContain(secret);
      }
      // what this org's browser logged: only the 404s of another org's ids
      const logged = browser.errors.slice(before);
      expect(logged.filter((e) => !/status of 404/.test(e))).toEqual([]);
    } finally {
      await other.close();
    }
  });
});
