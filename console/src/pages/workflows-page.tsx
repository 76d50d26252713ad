import { listExecutions } from '../api/executions.js';
import type { Http } from '../api/http.js';
import type { Execution, WorkflowSummary } from '../api/types.js';
import { listWorkflows } from '../api/workflows.js';
import { useApp } from '../app-context.js';
import { ErrorNotice } from '../components/notice.js';
import { PageTitle } from '../components/page-title.js';
import { Pager } from '../components/pager.js';
import { StatusBadge } from '../components/status-badge.js';
import { formatAge } from '../format/time.js';
import { useAsync } from '../hooks/use-async.js';
import { useNow } from '../hooks/use-now.js';
import { executionHref, hrefFor, workflowHref } from '../router/routes.js';
import { ColumnHeads } from '../components/column-heads.js';

const LIMIT = 20;

interface Row {
  workflow: WorkflowSummary;
  last: Execution | undefined;
  lastError?: unknown;
}

/** The page's workflows, each with its newest execution (one small read per workflow, in parallel). */
async function loadRows(http: Http, pageNo: number, signal: AbortSignal) {
  const page = await listWorkflows(http, { page: pageNo, limit: LIMIT }, signal);
  const rows = await Promise.all(
    page.items.map(async (workflow): Promise<Row> => {
      try {
        const latest = await listExecutions(http, workflow.id, { status: 'all', dateRange: 'all', page: 1, limit: 1 }, signal);
        return { workflow, last: latest.items[0] };
      } catch (error) {
        return { workflow, last: undefined, lastError: error };
      }
    }),
  );
  return { ...page, rows };
}

/** Workflows: status, latest version, trigger, and the last execution with its status. */
export function WorkflowsPage({ pageNo }: { pageNo: number }) {
  const { http } = useApp();
  const now = useNow(15_000);
  const state = useAsync((signal) => loadRows(http, pageNo, signal), [http, pageNo]);
  return (
    <section>
      <PageTitle title="Workflows">Workflows</PageTitle>
      {state.error ? <ErrorNotice error={state.error} what="Could not load the workflows" /> : null}
      {state.loading && !state.data ? <p aria-busy="true">Loading…</p> : null}
      {state.data && state.data.total === 0 ? <p>This organisation has no workflows yet. Create one with <code>POST /workFlow</code>.</p> : null}
      {state.data && state.data.rows.length > 0 ? (
        <div class="table-wrap">
          <table class="list">
            <caption class="sr-only">Workflows of this organisation, most recently changed first</caption>
            <ColumnHeads names={['Name', 'Status', 'Version', 'Trigger', 'Last execution']} />
            <tbody>
              {state.data.rows.map(({ workflow, last }) => (
                <tr key={workflow.id} data-workflow-id={workflow.id}>
                  <th scope="row" data-label="Name">
                    <a href={workflowHref(workflow.id)}>{workflow.name}</a>
                    {workflow.description ? <div class="muted small">{workflow.description}</div> : null}
                  </th>
                  <td data-label="Status">
                    <StatusBadge status={workflow.status} />
                  </td>
                  <td data-label="Version">v{workflow.version}</td>
                  <td data-label="Trigger">{workflow.triggerType ?? <span class="muted">—</span>}</td>
                  <td data-label="Last execution">
                    {last ? (
                      <a href={executionHref(last.executionId)} class="inline-status">
                        <StatusBadge status={last.status} /> {formatAge(last.startedAt, now)}
                      </a>
                    ) : (
                      <span class="muted">never run</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {state.data && state.data.pages > 1 ? <Pager page={pageNo} pages={state.data.pages} total={state.data.total} what="workflows" hrefOf={(p) => hrefFor({ page: 'workflows', pageNo: p })} /> : null}
    </section>
  );
}
