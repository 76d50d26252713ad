import type { StepLog } from '../api/types.js';
import { JsonFold } from '../components/json-fold.js';
import { StatusBadge } from '../components/status-badge.js';
import { FailureBox } from './failure-box.js';
import { formatClock, formatDuration, formatTime } from '../format/time.js';
import { ColumnHeads } from '../components/column-heads.js';

/** One step's record: input, output and error as folded JSON, its tries, and any note. */
export function StepDetails({ log, open, onToggle }: { log: StepLog; open: boolean; onToggle: (open: boolean) => void }) {
  return (
    <details id={`step-${log.stepId}`} class={`step step-${log.status}`} open={open} data-step-id={log.stepId} onToggle={(e) => onToggle((e.currentTarget as HTMLDetailsElement).open)}>
      <summary>
        <span class="step-order">{log.stepOrder + 1}.</span> <strong>{log.stepId}</strong> <span class="muted">{log.nodeType ? `${log.stepType} · ${log.nodeType}` : log.stepType}</span> <StatusBadge status={log.status} />{' '}
        <span class="muted">{formatDuration(log.duration)}</span>
        {log.attempts && log.attempts > 1 ? <span class="tag">{log.attempts} attempts</span> : null}
      </summary>
      <div class="step-body">
        {log.error ? <FailureBox error={log.error} /> : null}
        {log.note ? <p class="notice notice-info">{log.note}</p> : null}
        <p class="muted small">
          started {formatTime(log.startedAt)}
          {log.completedAt ? ` · ended ${formatTime(log.completedAt)}` : ''}
        </p>
        {log.tries && log.tries.length > 0 ? (
          <div class="table-wrap">
            <table class="tries">
              <caption>Provider calls</caption>
              <ColumnHeads names={['Try', 'At', 'Took', 'Result']} />
              <tbody>
                {log.tries.map((t, i) => (
                  <tr key={i} class={t.ok ? '' : 'try-failed'}>
                    <td>{i + 1}</td>
                    <td class="nowrap">{formatClock(t.at)}</td>
                    <td>{formatDuration(t.durationMs)}</td>
                    <td>{t.ok ? 'ok' : (t.error ?? 'failed')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
        <div class="io">
          <JsonFold label="input" value={log.input} />
          <JsonFold label="output" value={log.output} />
          {log.error ? <JsonFold label="error" value={log.error} /> : null}
        </div>
      </div>
    </details>
  );
}
