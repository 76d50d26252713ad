import { useEffect, useRef, useState } from 'preact/hooks';
import { listExecutions } from '../api/executions.js';
import type { DateRange, Execution, StatusFilter } from '../api/types.js';
import { useApp } from '../app-context.js';
import { LiveIndicator } from '../components/live-indicator.js';
import { ErrorNotice } from '../components/notice.js';
import { Pager } from '../components/pager.js';
import { StatusBadge } from '../components/status-badge.js';
import { elapsed, formatAge, formatDuration, formatTime } from '../format/time.js';
import { triggerSummary } from '../format/trigger-summary.js';
import { useAsync } from '../hooks/use-async.js';
import { useNow } from '../hooks/use-now.js';
import type { LiveMode } from '../live/watch-execution.js';
import { watchWorkflowExecutions } from '../live/watch-executions.js';
import { executionHref, hrefFor, type Route } from '../router/routes.js';
import { navigate } from '../router/use-hash-route.js';
import { ColumnHeads } from '../components/column-heads.js';

type WorkflowRoute = Extract<Route, { page: 'workflow' }>;
const LIMIT = 20;

/** A workflow's executions with the API's filters and paging, reloaded live as executions start and end. */
export function ExecutionsSection({ route }: { route: WorkflowRoute }) {
  const { http } = useApp();
  const filter = { status: route.status, dateRange: route.dateRange, page: route.pageNo, limit: LIMIT };
  const state = useAsync((signal) => listExecutions(http, route.id, filter, signal), [http, route.id, route.status, route.dateRange, route.pageNo]);
  const [mode, setMode] = useState<LiveMode>('connecting');
  const reload = useRef(state.reload);
  reload.current = state.reload;

  useEffect(() => {
    const ctl = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    // a burst of starts and ends becomes one reload
    const changed = () => {
      if (timer) return;
      timer = setTimeout(() => {
        timer = undefined;
        reload.current();
      }, 250);
    };
    void watchWorkflowExecutions(http, route.id, ctl.signal, { onChange: changed, onMode: setMode });
    return () => {
      ctl.abort();
      if (timer) clearTimeout(timer);
    };
  }, [http, route.id]);

  const anyRunning = state.data?.items.some((e) => e.status === 'running') ?? false;
  const now = useNow(1_000, anyRunning);
  const go = (change: Partial<WorkflowRoute>) => navigate(hrefFor({ ...route, pageNo: 1, ...change }));

  return (
    <section aria-labelledby="executions-heading">
      <div class="section-head">
        <h2 id="executions-heading">Executions</h2>
        <LiveIndicator mode={mode} />
      </div>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          Status{' '}
          <select name="status" value={route.status} onChange={(e) => go({ status: (e.target as HTMLSelectElement).value as StatusFilter })}>
            <option value="all">all</option>
            <option value="running">running</option>
            <option value="completed">completed</option>
            <option value="failed">failed</option>
            <option value="cancelled">cancelled</option>
          </select>
        </label>
        <label>
          Started{' '}
          <select name="dateRange" value={route.dateRange} onChange={(e) => go({ dateRange: (e.target as HTMLSelectElement).value as DateRange })}>
            <option value="all">any time</option>
            <option value="24h">last 24 hours</option>
            <option value="7d">last 7 days</option>
            <option value="30d">last 30 days</option>
          </select>
        </label>
      </form>
      {state.error ? <ErrorNotice error={state.error} what="Could not load the executions" /> : null}
      {state.loading && !state.data ? <p aria-busy="true">Loading…</p> : null}
      {state.data && state.data.items.length === 0 ? <p class="muted">No executions match.</p> : null}
      {state.data && state.data.items.length > 0 ? (
        <div class="table-wrap">
          <table class="list executions">
            <caption class="sr-only">Executions, newest first</caption>
            <ColumnHeads names={['Status', 'Execution', 'Started', 'Duration', 'Trigger', 'Failed step']} />
            <tbody>
              {state.data.items.map((e) => (
                <ExecutionRow key={e.executionId} e={e} now={now} />
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {state.data ? <Pager page={route.pageNo} pages={state.data.pages} total={state.data.total} what="executions" hrefOf={(p) => hrefFor({ ...route, pageNo: p })} /> : null}
    </section>
  );
}

function ExecutionRow({ e, now }: { e: Execution; now: number }) {
  return (
    <tr data-execution-id={e.executionId} data-status={e.status}>
      <td data-label="Status">
        <StatusBadge status={e.status} />
        {e.mode === 'test' ? <span class="tag">test</span> : null}
        {e.retryOf ? <span class="tag" title={`retry of ${e.retryOf.executionId}`}>retry</span> : null}
      </td>
      <th scope="row" data-label="Execution">
        <a href={executionHref(e.executionId)} class="mono">
          {e.executionId}
        </a>
      </th>
      <td data-label="Started" title={formatTime(e.startedAt)}>
        {formatAge(e.startedAt, now)}
      </td>
      <td data-label="Duration">{formatDuration(elapsed(e.startedAt, e.completedAt, now, e.totalDuration))}</td>
      <td data-label="Trigger" class="trigger-summary">
        {triggerSummary(e.triggerData)}
      </td>
      <td data-label="Failed step">
        {e.failedStepId ? (
          <a href={hrefFor({ page: 'execution', id: e.executionId, step: e.failedStepId })}>
            {e.failedStepId}
            {e.error?.code ? <span class="muted"> · {e.error.code}</span> : null}
          </a>
        ) : e.status === 'failed' && e.error ? (
          <span class="muted">{e.error.code}</span>
        ) : (
          <span class="muted">—</span>
        )}
      </td>
    </tr>
  );
}
