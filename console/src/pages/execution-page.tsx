import { useEffect, useState } from 'preact/hooks';
import type { ExecutionDetail } from '../api/types.js';
import { getWorkflow } from '../api/workflows.js';
import { useApp } from '../app-context.js';
import { JsonFold } from '../components/json-fold.js';
import { LiveIndicator } from '../components/live-indicator.js';
import { ErrorNotice } from '../components/notice.js';
import { PageTitle } from '../components/page-title.js';
import { StatusBadge } from '../components/status-badge.js';
import { elapsed, formatDuration, formatTime } from '../format/time.js';
import { useAsync } from '../hooks/use-async.js';
import { useNow } from '../hooks/use-now.js';
import { watchExecution, type LiveMode } from '../live/watch-execution.js';
import { executionHref, workflowHref } from '../router/routes.js';
import { TimelineView } from '../timeline/timeline-view.js';
import { CancelButton } from './cancel-button.js';
import { FailureBox } from './failure-box.js';
import { RetryPanel } from './retry-panel.js';
import { StepDetails } from './step-details.js';

/** One execution, kept live while it runs: its timeline, each step's record, what failed it, retry and cancel. */
export function ExecutionPage({ id, step }: { id: string; step: string | undefined }) {
  const { http } = useApp();
  const [detail, setDetail] = useState<ExecutionDetail | undefined>();
  const [mode, setMode] = useState<LiveMode>('connecting');
  const [error, setError] = useState<unknown>();
  const [open, setOpen] = useState<Set<string>>(() => new Set(step ? [step] : []));

  useEffect(() => {
    const ctl = new AbortController();
    void watchExecution(http, id, ctl.signal, {
      onDetail: (d) => {
        setDetail(d);
        setError(undefined);
      },
      onMode: setMode,
      onError: setError,
    });
    return () => ctl.abort();
  }, [http, id]);

  // a failed execution opens on its failed step's record
  const failedStepId = detail?.execution.failedStepId;
  useEffect(() => {
    if (failedStepId) setOpen((s) => (s.has(failedStepId) ? s : new Set(s).add(failedStepId)));
  }, [failedStepId]);

  const workflowId = detail?.execution.workflowId;
  const workflow = useAsync((signal) => (workflowId ? getWorkflow(http, workflowId, undefined, signal) : Promise.resolve(undefined)), [http, workflowId]);
  const running = detail?.execution.status === 'running';
  const now = useNow(250, running);

  // a link to a step (?step=) opens it and brings it into view once its row is there
  const hasStep = !!step && !!detail?.logs.some((l) => l.stepId === step);
  useEffect(() => {
    if (hasStep && step) document.getElementById(`step-${step}`)?.scrollIntoView({ block: 'start' });
  }, [hasStep, step]);

  const openStep = (stepId: string) => {
    setOpen((s) => new Set(s).add(stepId));
    requestAnimationFrame(() => {
      const el = document.getElementById(`step-${stepId}`);
      el?.scrollIntoView({ block: 'start' });
      el?.querySelector('summary')?.focus();
    });
  };

  if (!detail) {
    return (
      <section>
        <PageTitle title="Execution">Execution</PageTitle>
        {error ? <ErrorNotice error={error} what="Could not load this execution" /> : <p aria-busy="true">Loading…</p>}
      </section>
    );
  }
  const e = detail.execution;
  return (
    <section class="execution" data-execution-id={e.executionId} data-status={e.status}>
      <p class="crumbs">
        <a href="#/workflows">Workflows</a> / <a href={workflowHref(e.workflowId)}>{workflow.data?.name ?? e.workflowId}</a> /
      </p>
      <div class="section-head">
        <PageTitle title={`Execution ${e.executionId}`}>
          Execution <span class="mono">{e.executionId}</span>
        </PageTitle>
        <LiveIndicator mode={mode} />
      </div>
      {error ? <ErrorNotice error={error} what="Live updates interrupted" /> : null}
      <dl class="facts">
        <div>
          <dt>Status</dt>
          <dd aria-live="polite">
            <StatusBadge status={e.status} />
            {e.mode === 'test' ? <span class="tag">test run: actions simulated</span> : null}
          </dd>
        </div>
        <div>
          <dt>Started</dt>
          <dd>{formatTime(e.startedAt)}</dd>
        </div>
        <div>
          <dt>{running ? 'Running for' : 'Took'}</dt>
          <dd>{formatDuration(elapsed(e.startedAt, e.completedAt, now, e.totalDuration))}</dd>
        </div>
        <div>
          <dt>Version</dt>
          <dd>v{e.version}</dd>
        </div>
        {e.retryOf ? (
          <div>
            <dt>Retry of</dt>
            <dd>
              <a href={executionHref(e.retryOf.executionId)} class="mono">
                {e.retryOf.executionId}
              </a>
              {e.retryOf.from ? ` (from ${e.retryOf.from === 'failed_step' ? 'the failed step' : 'the start'})` : ''}
            </dd>
          </div>
        ) : null}
        {e.status === 'cancelled' ? (
          <div>
            <dt>Cancelled</dt>
            <dd>
              {e.cancelledBy ? `by ${e.cancelledBy}` : ''}
              {e.cancelReason ? `: ${e.cancelReason}` : ''}
            </dd>
          </div>
        ) : null}
      </dl>

      {e.status === 'failed' && e.error ? <FailureBox error={e.error} stepId={e.failedStepId} onOpenStep={openStep} /> : null}
      {running ? <CancelButton executionId={e.executionId} /> : <RetryPanel execution={e} />}

      <h2>Timeline</h2>
      <TimelineView execution={e} logs={detail.logs} now={now} onOpen={openStep} />

      <h2>Steps</h2>
      {detail.logs.length === 0 ? <p class="muted">No step has been recorded yet.</p> : null}
      <div class="steps">
        {detail.logs.map((log) => (
          <StepDetails
            key={log.stepOrder}
            log={log}
            open={open.has(log.stepId)}
            onToggle={(isOpen) =>
              setOpen((s) => {
                if (s.has(log.stepId) === isOpen) return s;
                const next = new Set(s);
                if (isOpen) next.add(log.stepId);
                else next.delete(log.stepId);
                return next;
              })
            }
          />
        ))}
      </div>

      <h2>Trigger data</h2>
      <JsonFold value={e.triggerData} label="triggerData" openDepth={1} />
      {e.finalOutput ? (
        <>
          <h2>Final output</h2>
          <JsonFold value={e.finalOutput} label="finalOutput" openDepth={1} />
        </>
      ) : null}
    </section>
  );
}
