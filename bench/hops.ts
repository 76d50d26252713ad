/**
 * Where an execution's time goes: its end-to-end latency cut at the times the engine records
 * (the gateway's answer, the execution's startedAt, each step's startedAt and completedAt in its
 * log row, the execution's completedAt), for a sample of the window's executions read from Mongo
 * after the drain, so the reading loads nothing it measures. All processes share this machine's
 * clock, so the differences are exact up to the clock's resolution.
 */
import { MongoClient } from 'mongodb';
import type { EndedExecution } from './event-tap.js';
import type { SentRequest } from './load-generator.js';
import { summarize, type LatencySummary } from './percentiles.js';

/** One execution's recorded times, ms since the epoch; steps without the trigger (stepOrder 0), in order. */
export interface ExecutionTimes {
  sentAtMs: number;
  answeredAtMs: number | undefined;
  startedAtMs: number;
  completedAtMs: number;
  steps: { stepId: string; nodeType: string; startedAtMs: number; completedAtMs: number }[];
}

export interface Hop {
  name: string;
  latency: LatencySummary;
}

/**
 * The hops, in the order an execution crosses them; an execution counts in a hop when it has
 * both ends of it. The step hops follow the steps of the first execution (the bench workflow is linear).
 */
export function hopBreakdown(executions: readonly ExecutionTimes[]): Hop[] {
  const first = executions[0];
  if (!first) return [];
  const hops: { name: string; of: (e: ExecutionTimes) => number | undefined }[] = [
    { name: 'request sent → 202 answered (gateway: auth, checks, publish)', of: (e) => (e.answeredAtMs === undefined ? undefined : e.answeredAtMs - e.sentAtMs) },
    { name: 'request sent → execution started (gateway, Kafka, orchestrator)', of: (e) => e.startedAtMs - e.sentAtMs },
  ];
  first.steps.forEach((step, i) => {
    const label = `${step.stepId} (${step.nodeType})`;
    hops.push({
      name: i === 0 ? `started → ${label} starts (orchestrator commit, runner fetch)` : `${first.steps[i - 1]?.stepId} ends → ${label} starts (runner send, orchestrator, runner fetch)`,
      of: (e) => {
        const here = e.steps[i];
        const before = i === 0 ? e.startedAtMs : e.steps[i - 1]?.completedAtMs;
        return here && before !== undefined ? here.startedAtMs - before : undefined;
      },
    });
    hops.push({ name: `${label} runs (the runner's call)`, of: (e) => (e.steps[i] ? e.steps[i].completedAtMs - e.steps[i].startedAtMs : undefined) });
  });
  const last = first.steps[first.steps.length - 1];
  if (last) hops.push({ name: `${last.stepId} ends → execution completed (runner send, orchestrator)`, of: (e) => (e.steps.length ? e.completedAtMs - (e.steps[e.steps.length - 1]?.completedAtMs as number) : undefined) });
  hops.push({ name: 'end to end (request sent → completedAt)', of: (e) => e.completedAtMs - e.sentAtMs });
  return hops.map((h) => ({ name: h.name, latency: summarize(executions.flatMap((e) => (h.of(e) === undefined ? [] : [h.of(e) as number]))) }));
}

/** Up to `n` of the items, spread evenly over the list. */
export function spread<T>(items: readonly T[], n: number): T[] {
  if (items.length <= n) return [...items];
  return Array.from({ length: n }, (_, i) => items[Math.floor((i * items.length) / n)] as T);
}

/** Reads the recorded times of these executions (sent and answered as the client saw them). */
export async function readExecutionTimes(mongoUrl: string, sent: ReadonlyMap<string, { sentAtMs: number; answeredAtMs: number | undefined }>): Promise<ExecutionTimes[]> {
  const client = new MongoClient(mongoUrl, { serverSelectionTimeoutMS: 10_000 });
  try {
    await client.connect();
    const db = client.db();
    const ids = [...sent.keys()];
    const rows = await db.collection<{ _id: string; startedAt?: Date; completedAt?: Date }>('workflow_executions').find({ _id: { $in: ids } }, { projection: { startedAt: 1, completedAt: 1 } }).toArray();
    const logs = await db
      .collection<{ executionId: string; stepId: string; nodeType: string; stepOrder: number; startedAt?: Date; completedAt?: Date }>('execution_logs')
      .find({ executionId: { $in: ids } }, { projection: { executionId: 1, stepId: 1, nodeType: 1, stepOrder: 1, startedAt: 1, completedAt: 1 } })
      .toArray();
    const stepsOf = new Map<string, typeof logs>();
    for (const l of logs) if (l.stepOrder > 0 && l.startedAt && l.completedAt) stepsOf.set(l.executionId, [...(stepsOf.get(l.executionId) ?? []), l]);
    return rows.flatMap((r) => {
      const s = sent.get(r._id);
      if (!s || !r.startedAt || !r.completedAt) return [];
      const steps = (stepsOf.get(r._id) ?? []).sort((a, b) => a.stepOrder - b.stepOrder);
      return [
        {
          ...s,
          startedAtMs: new Date(r.startedAt).getTime(),
          completedAtMs: new Date(r.completedAt).getTime(),
          steps: steps.map((l) => ({ stepId: l.stepId, nodeType: l.nodeType, startedAtMs: new Date(l.startedAt as Date).getTime(), completedAtMs: new Date(l.completedAt as Date).getTime() })),
        },
      ];
    });
  } finally {
    await client.close();
  }
}

/** How many executions of the window the breakdown reads. */
const SAMPLE = 600;

/** The recorded times of a sample of the executions sent in the window that ended. */
export function timesOfWindow(mongoUrl: string, requests: readonly SentRequest[], ended: ReadonlyMap<string, EndedExecution>, window: { fromMs: number; toMs: number }): Promise<ExecutionTimes[]> {
  const inWindow = requests.flatMap((r) =>
    r.outcome?.kind === 'accepted' && r.sentAtMs !== undefined && r.sentAtMs >= window.fromMs && r.sentAtMs < window.toMs && ended.has(r.outcome.executionId)
      ? [[r.outcome.executionId, { sentAtMs: r.sentAtMs, answeredAtMs: r.answeredAtMs }] as const]
      : [],
  );
  return readExecutionTimes(mongoUrl, new Map(spread(inWindow, SAMPLE)));
}
