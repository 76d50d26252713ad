import { z } from 'zod';
import { nonRetryable } from '../errors/index.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { createBreakerPool, type BreakerPool } from './breaker-pool.js';
import { createHttpTransport } from './http-transport.js';
import { createJsonClient, type BreakerSettings, type JsonClient } from './provider-client.js';

const qnaAnswer = z.object({ response: z.string().optional(), answer: z.string().optional() }).refine((a) => a.response !== undefined || a.answer !== undefined);
const generated = z.object({ answer: z.string() });
const sentiment = z.object({ sentiment: z.string(), score: z.number() });
const intent = z.object({ intent: z.string(), confidence: z.number() });
const vulnerability = z.object({ vulnerabilities: z.array(z.unknown()), risk_level: z.string() });
const reason = z.object({ reason: z.string() });

/** Every call is on behalf of one org: its breaker, and the namespace of its memory ids. */
type CallOpts = { signal: AbortSignal; orgId: string };

/**
 * The BotCore memory id (`uuid`) of an org: whatever a step names, it is prefixed with the org
 * (org ids contain no `:`), so two orgs never read or write the same agent memory.
 */
export const orgMemoryId = (orgId: string, memory: string) => `${orgId}:${memory}`;

function shaped<S extends z.ZodType>(schema: S, body: Record<string, unknown>, endpoint: string): z.infer<S> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw nonRetryable('BAD_RESPONSE', `botcore ${endpoint} answered an unexpected shape`, 'botcore');
  return parsed.data;
}

/** BotCore's endpoints, each answer checked before anyone reads it. `uuid` is namespaced by org. */
export function createBotCoreClient(http: JsonClient) {
  const call = (o: CallOpts) => ({ orgId: o.orgId, signal: o.signal });
  return {
    async qna(req: { question: string; uuid: string; chatHistory: unknown[]; systemPrompt?: string }, o: CallOpts): Promise<string> {
      const a = shaped(qnaAnswer, await http.post(['qna'], { ...req, uuid: orgMemoryId(o.orgId, req.uuid) }, call(o)), '/qna');
      return (a.response ?? a.answer) as string;
    },
    async generateAnswer(req: { question: string; uuid: string; temperature: number; systemPrompt?: string }, o: CallOpts): Promise<string> {
      return shaped(generated, await http.post(['generate-answer'], { ...req, uuid: orgMemoryId(o.orgId, req.uuid) }, call(o)), '/generate-answer').answer;
    },
    sentiment: async (text: string, o: CallOpts) => shaped(sentiment, await http.post(['sentiment-analysis'], { text }, call(o)), '/sentiment-analysis'),
    intent: async (text: string, o: CallOpts) => shaped(intent, await http.post(['intent'], { text }, call(o)), '/intent'),
    vulnerability: async (text: string, o: CallOpts) => shaped(vulnerability, await http.post(['vulnerability-analysis'], { text }, call(o)), '/vulnerability-analysis'),
    reason: async (text: string, o: CallOpts) => shaped(reason, await http.post(['reason-analysis'], { text }, call(o)), '/reason-analysis'),
  };
}
export type BotCoreClient = ReturnType<typeof createBotCoreClient>;

/** BotCore behind per-org breakers, from a runner's BOT_SERVICE_URL and BOTCORE_* settings; `close` stops both. */
export function createBotCoreFromSettings(
  settings: { baseUrl: string; callTimeoutMs: number; breaker: BreakerSettings },
  deps: { metrics: Metrics; logger: Logger },
): { botcore: BotCoreClient; breakers: BreakerPool; close(): void } {
  const breakers = createBreakerPool(settings.breaker, deps);
  const transport = createHttpTransport();
  const botcore = createBotCoreClient(createJsonClient({ provider: 'botcore', baseUrl: settings.baseUrl, callTimeoutMs: settings.callTimeoutMs, breakers, transport }));
  return {
    botcore,
    breakers,
    close() {
      breakers.shutdown();
      transport.close();
    },
  };
}
