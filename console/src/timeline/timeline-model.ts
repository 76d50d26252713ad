import type { Execution, StepLog } from '../api/types.js';

/** A span on the time axis, in percent of the axis. */
export interface Span {
  left: number;
  width: number;
}

export interface TrySpan extends Span {
  ok: boolean;
  error?: string | undefined;
  durationMs: number;
  n: number;
}

export interface TimelineRow {
  log: StepLog;
  bar: Span;
  tries: TrySpan[];
  /** the backoff between one try's end and the next one's start */
  waits: Array<Span & { ms: number }>;
  durationMs: number;
}

export interface TimelineModel {
  spanMs: number;
  rows: TimelineRow[];
  ticks: Array<{ at: number; label: string }>;
  /** while the execution runs: from the last recorded step to now, where the next step is working */
  pending: Span | undefined;
}

function niceStep(spanMs: number, maxTicks: number): number {
  const raw = spanMs / maxTicks;
  const pow = 10 ** Math.floor(Math.log10(Math.max(raw, 1)));
  for (const m of [1, 2, 5, 10]) if (m * pow >= raw) return m * pow;
  return 10 * pow;
}

function tickLabel(ms: number, step: number): string {
  if (ms === 0) return '0';
  if (ms < 1_000) return `${ms} ms`;
  if (step < 60_000) return `${Number((ms / 1_000).toFixed(1))} s`;
  return `${Number((ms / 60_000).toFixed(1))} min`;
}

/**
 * Places an execution's steps on one time axis from its start to its end (or `nowMs` while it
 * runs): a bar per step, inside it each provider try, and between tries the waits. Pure.
 */
export function timelineOf(execution: Execution, logs: StepLog[], nowMs: number): TimelineModel {
  const start = Date.parse(execution.startedAt);
  const times = logs.flatMap((l) => [Date.parse(l.startedAt), l.completedAt ? Date.parse(l.completedAt) : Number.NaN]).filter((t) => !Number.isNaN(t));
  const running = execution.status === 'running';
  const end = Math.max(start + 1, ...times, running ? nowMs : execution.completedAt ? Date.parse(execution.completedAt) : start + 1);
  const spanMs = end - start;
  const pct = (t: number) => Math.min(100, Math.max(0, ((t - start) / spanMs) * 100));
  const span = (from: number, to: number): Span => ({ left: pct(from), width: Math.max(0, pct(to) - pct(from)) });

  const rows = logs.map((log): TimelineRow => {
    const s = Date.parse(log.startedAt);
    const e = log.completedAt ? Date.parse(log.completedAt) : running ? nowMs : s;
    const tries: TrySpan[] = (log.tries ?? []).map((t, i) => {
      const at = Date.parse(t.at);
      return { ...span(at, at + t.durationMs), ok: t.ok, error: t.error, durationMs: t.durationMs, n: i + 1 };
    });
    const waits: TimelineRow['waits'] = [];
    (log.tries ?? []).forEach((t, i, all) => {
      const next = all[i + 1];
      if (!next) return;
      const from = Date.parse(t.at) + t.durationMs;
      const to = Date.parse(next.at);
      if (to > from) waits.push({ ...span(from, to), ms: to - from });
    });
    return { log, bar: span(s, e), tries, waits, durationMs: log.duration ?? Math.max(0, e - s) };
  });

  const last = Math.max(start, ...times);
  const pending = running ? span(last, nowMs) : undefined;
  const step = niceStep(spanMs, 5);
  const ticks: TimelineModel['ticks'] = [];
  for (let t = 0; t <= spanMs; t += step) ticks.push({ at: (t / spanMs) * 100, label: tickLabel(t, step) });
  return { spanMs, rows, ticks, pending };
}
