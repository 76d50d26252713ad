import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startBotCore } from './botcore.js';
import type { StandIn } from './http.js';

let bot: StandIn;
beforeAll(async () => {
  bot = await startBotCore({ port: 0 });
});
afterAll(() => bot.close());
beforeEach(() => bot.reset());

async function post(path: string, body: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(bot.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

const qna = (question: string) => post('/qna', { question, uuid: 'u-1', chatHistory: [] });

describe('BotCore /qna', () => {
  it('answers deterministically with the same text in response and answer', async () => {
    const a = await qna('What are your opening hours?');
    expect(a.status).toBe(200);
    expect(a.json).toEqual({ response: 'Answer to: What are your opening hours?', answer: 'Answer to: What are your opening hours?' });
    expect((await qna('What are your opening hours?')).json).toEqual(a.json);
  });

  it('steers decisions with [decide:*] markers in a parseable form', async () => {
    const approve = await qna('Loan for Bob [decide:approve]');
    expect(approve.json.response).toBe('Decision: Approve (confidence 0.92). The applicant meets the criteria.');
    expect(approve.json.answer).toBe(approve.json.response);

    const reject = (await qna('[decide:reject] loan')).json.response as string;
    expect(reject).toMatch(/^I cannot approve this request\. Decision: Reject \(confidence 0\.88\)/);

    const review = (await qna('x [decide:review]')).json.response as string;
    expect(review).toMatch(/^Decision: Review \(confidence 0\.61\)/);
    expect(review).toContain('approve or reject');

    const negated = (await qna('[decide:approve-negated]')).json.response as string;
    expect(negated).toMatch(/no reason to reject this\. Decision: Approve/);

    const unclear = (await qna('[decide:unclear]')).json.response as string;
    expect(unclear).not.toMatch(/decision|approve|reject|review/i);
  });

  it('lets [confidence:x] override the confidence', async () => {
    expect((await qna('[decide:approve][confidence:0.73]')).json.response).toContain('Decision: Approve (confidence 0.73)');
  });

  it('applies a per-request [delay:ms] marker', async () => {
    const t0 = performance.now();
    await qna('slow one [delay:150]');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
  });

  it('rejects malformed JSON, missing fields and a non-array chatHistory with 400 JSON', async () => {
    const malformed = await post('/qna', '{"question": ');
    expect(malformed.status).toBe(400);
    expect(malformed.json.error.message).toMatch(/Malformed JSON/);
    const missing = await post('/qna', { question: 'hi' });
    expect(missing.status).toBe(400);
    expect(missing.json.error.message).toContain('uuid');
    expect((await post('/qna', { question: '', uuid: 'u' })).status).toBe(400);
    expect((await post('/qna', [1, 2])).status).toBe(400);
    expect((await post('/qna', { question: 'q', uuid: 'u', chatHistory: 'nope' })).status).toBe(400);
  });

  it('answers 404 for unknown routes and methods', async () => {
    expect((await post('/nope', { text: 'x' })).status).toBe(404);
    expect((await fetch(`${bot.url}/qna`)).status).toBe(404);
  });

  it('journals the requests it handled', async () => {
    await qna('journal me');
    await post('/qna', {});
    const reqs = bot.requests();
    expect(reqs.map((r) => [r.method, r.path, r.status])).toEqual([
      ['POST', '/qna', 200],
      ['POST', '/qna', 400],
    ]);
    expect(reqs[0]?.body).toEqual({ question: 'journal me', uuid: 'u-1', chatHistory: [] });
    expect(reqs[0]?.headers['content-type']).toBe('application/json');
    expect(Date.parse(reqs[0]?.time ?? '')).not.toBeNaN();
  });
});

describe('BotCore /generate-answer', () => {
  it('answers { answer }', async () => {
    const r = await post('/generate-answer', { question: 'Write a haiku', uuid: 'text-gen-uuid', temperature: 0.7 });
    expect(r).toEqual({ status: 200, json: { answer: 'Generated text for: Write a haiku' } });
  });
  it('400 on missing question or bad temperature', async () => {
    expect((await post('/generate-answer', { uuid: 'x' })).status).toBe(400);
    expect((await post('/generate-answer', { question: 'q', temperature: 'hot' })).status).toBe(400);
  });
});

describe('BotCore utilities', () => {
  it('sentiment from a word list, with negation', async () => {
    expect((await post('/sentiment-analysis', { text: 'I love it, great service!' })).json).toEqual({ sentiment: 'positive', score: 1 });
    expect((await post('/sentiment-analysis', { text: 'Terrible and slow, but good staff' })).json).toEqual({ sentiment: 'negative', score: -0.33 });
    expect((await post('/sentiment-analysis', { text: 'The parcel arrived on Tuesday' })).json).toEqual({ sentiment: 'neutral', score: 0 });
    expect((await post('/sentiment-analysis', { text: 'This is not good' })).json.sentiment).toBe('negative');
  });

  it('intent by keywords', async () => {
    const intent = async (text: string) => (await post('/intent', { text })).json;
    expect(await intent('I want to buy the premium plan, what is the price?')).toEqual({ intent: 'purchase', confidence: 0.9 });
    expect((await intent('Can you help me install the app')).intent).toBe('support');
    expect((await intent('This is unacceptable, I want a refund')).intent).toBe('complaint');
    expect((await intent('Hello there')).intent).toBe('greeting');
    expect(await intent('The sky is blue')).toEqual({ intent: 'unknown', confidence: 0.2 });
  });

  it('vulnerability analysis with risk levels', async () => {
    const v = async (text: string) => (await post('/vulnerability-analysis', { text })).json;
    expect(await v('Please send the brochure')).toEqual({ vulnerabilities: [], risk_level: 'low' });
    expect(await v('Urgent action: verify your account now')).toEqual({ vulnerabilities: ['phishing'], risk_level: 'medium' });
    expect(await v("name' OR 1=1; DROP TABLE users; --")).toEqual({ vulnerabilities: ['sql_injection'], risk_level: 'high' });
    expect(await v('<script>alert(1)</script> my ssn is 123-45-6789')).toEqual({ vulnerabilities: ['xss', 'pii_exposure'], risk_level: 'high' });
  });

  it('reason analysis', async () => {
    const r = await post('/reason-analysis', { text: 'The order is late again. Where is it?' });
    expect(r.status).toBe(200);
    expect(r.json.reason).toBe('Delivery or response delay: The order is late again.');
    expect((await post('/reason-analysis', { text: 'Just a question' })).json.reason).toBe('General inquiry: Just a question');
  });

  it('400 when text is missing on every utility', async () => {
    for (const path of ['/sentiment-analysis', '/intent', '/vulnerability-analysis', '/reason-analysis']) {
      const r = await post(path, { txt: 'typo' });
      expect(r.status, path).toBe(400);
      expect(r.json.error.message).toContain('text');
    }
  });
});
