/**
 * The gateway's REST API as the benchmark calls it: the four-step workflow it runs, execute, and the
 * two reads it times.
 */
import { createHttpTransport, type HttpTransport } from '@botwot/shared/http';
import type { SendOutcome } from './load-generator.js';

export const BENCH_ORG = 'org-bench';
export const BENCH_WORKFLOW_NAME = 'bench: whatsapp → conversational agent → sentiment → send_whatsapp';

/** The workflow every run executes: a WhatsApp message answered by an agent, its sentiment noted in the reply. */
export const BENCH_STEPS = [
  { stepId: 't', stepType: 'trigger', config: { triggerType: 'whatsapp' }, nextStepId: 'agent' },
  { stepId: 'agent', stepType: 'agent', config: { agentType: 'conversational' }, nextStepId: 'mood' },
  { stepId: 'mood', stepType: 'utility', config: { utilityType: 'sentiment', inputText: '{{message_text}}' }, nextStepId: 'reply' },
  { stepId: 'reply', stepType: 'action', config: { actionType: 'send_whatsapp', messageTemplate: '{{agent_response}} ({{sentiment}})' } },
];

/**
 * The message of execution `seq` of a run. Its tag reaches BotCore in the question and the sentiment
 * text, so a slowed BotCore call can be traced back to its execution (see tagOfText).
 */
export function benchMessage(tag: string): { phone_number: string; message_text: string } {
  const n = Number(/\d+$/.exec(tag)?.[0] ?? 0);
  return { phone_number: `+1555${String(n % 10_000_000).padStart(7, '0')}`, message_text: `[${tag}] ${n % 2 ? 'I love it, thanks' : 'this is bad, I want a refund'}` };
}

/** The run tag in a text sent to BotCore ("[load-12] ..." → "load-12"), if any. */
export function tagOfText(text: unknown): string | undefined {
  return typeof text === 'string' ? /\[((?:load|fill)-\d+)\]/.exec(text)?.[1] : undefined;
}

/**
 * The sequence numbers of the load's executions that had a slowed BotCore call, from the stand-in's
 * journal of slowed requests: the tag is in the question (/qna) or the text (analysis endpoints).
 */
export function slowedSeqsOf(slowRequests: readonly { body: unknown }[]): Set<number> {
  const seqs = new Set<number>();
  for (const r of slowRequests) {
    const body = r.body as { question?: unknown; text?: unknown } | undefined;
    const tag = tagOfText(body?.question) ?? tagOfText(body?.text);
    if (tag?.startsWith('load-')) seqs.add(Number(tag.slice('load-'.length)));
  }
  return seqs;
}

const parsed = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

export interface ReadResult {
  status: number;
  ms: number;
}

/** Thrown when no whole answer came in time. */
class NoAnswer extends Error {}

/**
 * The client speaks through the engine's own HTTP transport (node:http over a keep-alive pool, a
 * call sent again when a pooled connection turns out closed): the global fetch costs several times
 * more CPU per request, which this client, sharing the machine, would take from the stack it measures.
 */
export class BenchApi {
  private readonly headers: Record<string, string>;
  private readonly http: HttpTransport = createHttpTransport({ maxSockets: 1024, maxResponseBytes: 16 * 1024 * 1024 });

  constructor(
    private readonly baseUrl: string,
    token: string,
  ) {
    this.headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  }

  close(): void {
    this.http.close();
  }

  private async request(method: string, path: string, body: string | undefined, timeoutMs: number): Promise<{ status: number; body: string }> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new NoAnswer(`no answer within ${timeoutMs} ms`)), timeoutMs);
    try {
      return await this.http.send({ method, url: new URL(`${this.baseUrl}${path}`), headers: this.headers, body, signal: controller.signal });
    } catch (error) {
      throw controller.signal.aborted ? controller.signal.reason : error;
    } finally {
      clearTimeout(timer);
    }
  }

  private async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.request(method, path, body === undefined ? undefined : JSON.stringify(body), 120_000);
    if (res.status < 200 || res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${res.body.slice(0, 300)}`);
    return JSON.parse(res.body) as T;
  }

  /** The bench workflow: with `reuse`, the one an earlier run created (so its stored executions count), else a new one. */
  async benchWorkflow(reuse: boolean): Promise<{ id: string; reused: boolean }> {
    if (reuse) {
      const list = await this.json<{ workflows: { id?: string; _id?: string; name: string; status?: string }[] }>('GET', '/workFlow?limit=100&status=active');
      const found = list.workflows.find((w) => w.name === BENCH_WORKFLOW_NAME);
      const id = found?.id ?? found?._id;
      if (id) return { id, reused: true };
    }
    const created = await this.json<{ id: string }>('POST', '/workFlow', { name: BENCH_WORKFLOW_NAME, steps: BENCH_STEPS });
    return { id: created.id, reused: false };
  }

  /** How many executions of the workflow are stored, any status. */
  async storedCount(workflowId: string): Promise<number> {
    return (await this.json<{ total: number }>('GET', `/workFlow/${workflowId}/executions?status=all&page=1&limit=1`)).total;
  }

  /** The ids of the workflow's most recent stored executions (up to 100), newest first. */
  async recentExecutionIds(workflowId: string): Promise<string[]> {
    const page = await this.json<{ executions: { executionId: string }[] }>('GET', `/workFlow/${workflowId}/executions?status=all&page=1&limit=100`);
    return page.executions.map((e) => e.executionId);
  }

  /** POST /workFlow/:id/execute; never throws: the outcome says what happened. */
  async execute(workflowId: string, tag: string, timeoutMs: number): Promise<SendOutcome> {
    try {
      const res = await this.request('POST', `/workFlow/${workflowId}/execute`, JSON.stringify({ triggerData: benchMessage(tag) }), timeoutMs);
      const body = parsed(res.body) as { executionId?: string; error?: { code?: string } } | undefined;
      if (res.status === 202 && body?.executionId) return { kind: 'accepted', executionId: body.executionId };
      return { kind: 'refused', status: res.status, code: body?.error?.code };
    } catch (e) {
      return { kind: 'error', message: (e as Error).message };
    }
  }

  /** One timed GET; the body is read in full, as a client would. */
  async timedGet(path: string, timeoutMs: number): Promise<ReadResult> {
    const t0 = performance.now();
    try {
      const res = await this.request('GET', path, undefined, timeoutMs);
      return { status: res.status, ms: performance.now() - t0 };
    } catch {
      return { status: 0, ms: performance.now() - t0 };
    }
  }
}
