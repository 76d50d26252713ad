/**
 * BotCore stand-in: /qna, /generate-answer and the utility analysis endpoints, deterministic.
 *
 * Steering markers inside the question (POST /qna):
 *   [decide:approve]          "Decision: Approve (confidence 0.92). The applicant meets the criteria."
 *   [decide:reject]           "I cannot approve this request. Decision: Reject (confidence 0.88). ..."  (negated "approve")
 *   [decide:review]           "Decision: Review (confidence 0.61). ... not approve or reject automatically ..."
 *   [decide:approve-negated]  "I see no reason to reject this. Decision: Approve (confidence 0.85). ..." (negated "reject")
 *   [decide:unclear]          an answer with no decision in it
 *   [confidence:0.73]         overrides the confidence printed in a decision answer
 *   [delay:250]               delays this one answer by 250 ms (max 60000) on top of latencyMs
 */
import { apiError, isObject, nonEmptyString, startHttpStandIn, type StandIn, type StandInRequest, type StandInResponse } from './http.js';

export interface BotCoreOptions {
  port?: number;
  host?: string;
}

const DECISIONS: Record<string, (c: string | undefined) => string> = {
  approve: (c) => `Decision: Approve (confidence ${c ?? '0.92'}). The applicant meets the criteria.`,
  reject: (c) =>
    `I cannot approve this request. Decision: Reject (confidence ${c ?? '0.88'}). The documents provided are incomplete.`,
  review: (c) =>
    `Decision: Review (confidence ${c ?? '0.61'}). There is not enough information to approve or reject automatically; a human should review it.`,
  'approve-negated': (c) =>
    `I see no reason to reject this. Decision: Approve (confidence ${c ?? '0.85'}). All checks passed.`,
  unclear: () => 'It is hard to say from the information given; more context is needed.',
};

const POSITIVE = new Set(['good', 'great', 'excellent', 'happy', 'love', 'thanks', 'thank', 'awesome', 'amazing',
  'satisfied', 'wonderful', 'pleased', 'perfect', 'fantastic', 'like', 'helpful', 'nice', 'best']);
const NEGATIVE = new Set(['bad', 'terrible', 'awful', 'hate', 'angry', 'unhappy', 'poor', 'worst', 'disappointed',
  'broken', 'horrible', 'slow', 'problem', 'issue', 'useless', 'rude', 'late', 'refund']);
const NEGATORS = new Set(['not', 'no', 'never', "don't", 'dont', "isn't", 'isnt', "wasn't", 'wasnt', 'hardly']);

const INTENTS: Array<[string, string[]]> = [
  ['complaint', ['complaint', 'complain', 'refund', 'unacceptable', 'worst', 'terrible', 'angry', 'disappointed', 'awful']],
  ['purchase', ['buy', 'purchase', 'order', 'price', 'pricing', 'cost', 'quote', 'subscribe', 'book']],
  ['support', ['help', 'support', 'issue', 'problem', 'error', 'broken', 'install', 'reset', 'how']],
  ['greeting', ['hi', 'hello', 'hey', 'greetings', 'morning', 'evening']],
];

const VULNERABILITIES: Array<[string, RegExp]> = [
  ['sql_injection', /('\s*or\s+'?1'?\s*=\s*'?1)|(\bunion\s+select\b)|(\bdrop\s+table\b)|(;\s*--)/i],
  ['xss', /(<script\b)|(javascript:)|(\bon(error|load)\s*=)/i],
  ['command_injection', /(;\s*rm\s+-rf)|(\$\([^)]*\))|(\|\s*sh\b)|(&&\s*curl\b)/i],
  ['pii_exposure', /(\b\d{3}-\d{2}-\d{4}\b)|(\b(?:\d[ -]?){13,16}\b)|(\bpassword\s*[:=])/i],
  ['phishing', /(verify your account)|(click (here|this link))|(urgent(ly)? (action|response))|(your account (has been|will be) (suspended|locked))/i],
];
const HIGH_RISK = new Set(['sql_injection', 'xss', 'command_injection']);

const REASONS: Array<[RegExp, string]> = [
  [/\b(price|pricing|expensive|cost|costly|cheaper)\b/i, 'Pricing concern'],
  [/\b(late|delay(ed)?|slow|waiting|still not)\b/i, 'Delivery or response delay'],
  [/\b(broken|defect(ive)?|damaged|faulty|not working)\b/i, 'Product quality issue'],
  [/\b(refund|cancel(lation)?|return)\b/i, 'Cancellation or refund request'],
  [/\b(rude|unhelpful|staff|agent)\b/i, 'Customer service experience'],
  [/\b(buy|purchase|order|interested)\b/i, 'Purchase interest'],
];

const words = (text: string): string[] => text.toLowerCase().match(/[a-z']+/g) ?? [];
const round2 = (n: number): number => Math.round(n * 100) / 100;

export function answerQuestion(question: string): string {
  const decide = /\[decide:([a-z-]+)\]/i.exec(question)?.[1]?.toLowerCase();
  const confidence = /\[confidence:(0(?:\.\d+)?|1(?:\.0+)?)\]/i.exec(question)?.[1];
  const make = decide ? DECISIONS[decide] : undefined;
  return make ? make(confidence) : `Answer to: ${question}`;
}

export function sentiment(text: string): { sentiment: 'positive' | 'negative' | 'neutral'; score: number } {
  let pos = 0;
  let neg = 0;
  const w = words(text);
  w.forEach((word, i) => {
    const negated = i > 0 && NEGATORS.has(w[i - 1] ?? '');
    if (POSITIVE.has(word)) negated ? neg++ : pos++;
    else if (NEGATIVE.has(word)) negated ? pos++ : neg++;
  });
  if (pos === neg) return { sentiment: 'neutral', score: 0 };
  const score = round2((pos - neg) / (pos + neg));
  return { sentiment: score > 0 ? 'positive' : 'negative', score };
}

export function intent(text: string): { intent: string; confidence: number } {
  const w = new Set(words(text));
  for (const [name, keywords] of INTENTS) {
    const hits = keywords.filter((k) => w.has(k)).length;
    if (hits > 0) return { intent: name, confidence: round2(Math.min(0.95, 0.6 + 0.15 * hits)) };
  }
  return { intent: 'unknown', confidence: 0.2 };
}

export function vulnerabilities(text: string): { vulnerabilities: string[]; risk_level: 'low' | 'medium' | 'high' } {
  const found = VULNERABILITIES.filter(([, re]) => re.test(text)).map(([name]) => name);
  const risk = found.length === 0 ? 'low' : found.some((f) => HIGH_RISK.has(f)) || found.length > 1 ? 'high' : 'medium';
  return { vulnerabilities: found, risk_level: risk };
}

export function reason(text: string): { reason: string; category: string } {
  const hit = REASONS.find(([re]) => re.test(text));
  const first = (text.split(/(?<=[.!?])\s/)[0] ?? text).trim().slice(0, 200);
  if (!hit) return { reason: `General inquiry: ${first}`, category: 'general' };
  return { reason: `${hit[1]}: ${first}`, category: hit[1].toLowerCase().replace(/\W+/g, '_') };
}

const ANALYZERS: Record<string, (text: string) => unknown> = {
  '/sentiment-analysis': sentiment,
  '/intent': intent,
  '/vulnerability-analysis': vulnerabilities,
  '/reason-analysis': reason,
};

/** Returns the error answer, or undefined when `body` is an object with every field a non-empty string. */
function missingFields(body: unknown, fields: string[]): StandInResponse | undefined {
  if (!isObject(body)) return apiError(400, 'Request body must be a JSON object', 'InvalidRequest', 100);
  const missing = fields.filter((f) => !nonEmptyString(body[f]));
  if (missing.length > 0) return apiError(400, `Missing or empty required field(s): ${missing.join(', ')}`, 'InvalidRequest', 100);
  return undefined;
}

async function handle(req: StandInRequest): Promise<StandInResponse> {
  if (req.method !== 'POST') return apiError(404, `No route ${req.method} ${req.path}`, 'NotFound');
  switch (req.path) {
    case '/qna': {
      const bad = missingFields(req.body, ['question', 'uuid']);
      if (bad) return bad;
      const b = req.body as Record<string, unknown>;
      if (b.chatHistory !== undefined && !Array.isArray(b.chatHistory)) {
        return apiError(400, 'chatHistory must be an array', 'InvalidRequest', 100);
      }
      const question = b.question as string;
      const delay = Number(/\[delay:(\d{1,5})\]/.exec(question)?.[1] ?? 0);
      if (delay > 0) await new Promise((r) => setTimeout(r, Math.min(delay, 60_000)));
      const text = answerQuestion(question);
      return { status: 200, body: { response: text, answer: text } };
    }
    case '/generate-answer': {
      const bad = missingFields(req.body, ['question']);
      if (bad) return bad;
      const b = req.body as Record<string, unknown>;
      if (b.temperature !== undefined && (typeof b.temperature !== 'number' || b.temperature < 0 || b.temperature > 2)) {
        return apiError(400, 'temperature must be a number in 0..2', 'InvalidRequest', 100);
      }
      return { status: 200, body: { answer: `Generated text for: ${b.question as string}` } };
    }
    default: {
      const analyze = ANALYZERS[req.path];
      if (!analyze) return apiError(404, `No route ${req.method} ${req.path}`, 'NotFound');
      const bad = missingFields(req.body, ['text']);
      if (bad) return bad;
      const b = req.body as Record<string, unknown>;
      return { status: 200, body: analyze(b.text as string) };
    }
  }
}

export function startBotCore(opts: BotCoreOptions = {}): Promise<StandIn> {
  return startHttpStandIn({ name: 'botcore', ...opts, handler: handle });
}
