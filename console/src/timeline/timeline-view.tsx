import type { Execution, StepLog } from '../api/types.js';
import { formatDuration } from '../format/time.js';
import { timelineOf } from './timeline-model.js';

const pct = (n: number) => `${n.toFixed(3)}%`;

/**
 * A bar per step on the execution's time axis; inside each bar the provider tries (failed ones
 * marked), between them the waits (backoff) hatched. While the execution runs, the axis grows to
 * now and a pulsing span shows the step being worked on. Each step's label links to its details.
 */
export function TimelineView({ execution, logs, now, onOpen }: { execution: Execution; logs: StepLog[]; now: number; onOpen: (stepId: string) => void }) {
  const m = timelineOf(execution, logs, now);
  return (
    <figure class="timeline" aria-label={`Timeline of ${logs.length} steps over ${formatDuration(m.spanMs)}`}>
      <div class="tl-axis" aria-hidden="true">
        {m.ticks.map((t) => (
          <span key={t.at} class="tl-tick" style={{ left: pct(t.at) }}>
            {t.label}
          </span>
        ))}
      </div>
      <ol class="tl-rows">
        {m.rows.map((r) => (
          <li key={r.log.stepOrder} class={`tl-row tl-${r.log.status}`} data-step-id={r.log.stepId} data-status={r.log.status}>
            <button type="button" class="tl-label link" onClick={() => onOpen(r.log.stepId)} aria-label={`${r.log.stepId}: ${r.log.status}, ${formatDuration(r.durationMs)}${r.tries.length > 1 ? `, ${r.tries.length} tries` : ''}. Show details`}>
              <span class="tl-name">{r.log.stepId}</span>
              <span class="tl-dur">{formatDuration(r.durationMs)}</span>
            </button>
            <div class="tl-track" aria-hidden="true">
              <div class="tl-bar" style={{ left: pct(r.bar.left), width: pct(r.bar.width) }} title={`${r.log.stepId}: ${formatDuration(r.durationMs)}`} />
              {r.waits.map((w, i) => (
                <div key={`w${i}`} class="tl-wait" style={{ left: pct(w.left), width: pct(w.width) }} title={`waited ${formatDuration(w.ms)} before the next try`} />
              ))}
              {r.tries.map((t) => (
                <div key={`t${t.n}`} class={`tl-try ${t.ok ? 'tl-try-ok' : 'tl-try-failed'}`} style={{ left: pct(t.left), width: pct(t.width) }} title={`try ${t.n}: ${t.ok ? 'ok' : (t.error ?? 'failed')}, ${formatDuration(t.durationMs)}`} />
              ))}
            </div>
          </li>
        ))}
        {m.pending ? (
          <li class="tl-row tl-pending" data-status="running">
            <span class="tl-label">
              <span class="tl-name">next step</span>
              <span class="tl-dur">running…</span>
            </span>
            <div class="tl-track" aria-hidden="true">
              <div class="tl-bar" style={{ left: pct(m.pending.left), width: pct(m.pending.width) }} />
            </div>
          </li>
        ) : null}
      </ol>
      <figcaption class="tl-legend muted small">
        <span class="key key-bar" /> step <span class="key key-try-ok" /> try <span class="key key-try-failed" /> failed try <span class="key key-wait" /> wait before retrying
      </figcaption>
    </figure>
  );
}
