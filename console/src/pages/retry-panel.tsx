import { useState } from 'preact/hooks';
import { retryExecution } from '../api/executions.js';
import { describeFailure } from '../api/http.js';
import { previewRetry, type RetryPreview } from '../api/retry-preview.js';
import type { Execution, RetryFrom, RetryVersion } from '../api/types.js';
import { useApp } from '../app-context.js';
import { executionHref } from '../router/routes.js';
import { navigate } from '../router/use-hash-route.js';
import { ColumnHeads } from '../components/column-heads.js';
import { ProblemLine } from '../components/notice.js';

/**
 * Retry an ended execution: choose where to start (the beginning, or the failed step with the
 * outputs before it) and which version, see the dry run's preview of the steps that would run and
 * the messages, emails, calls and CRM writes that would be sent again, then retry and go to the
 * new execution.
 */
export function RetryPanel({ execution }: { execution: Execution }) {
  const { http } = useApp();
  const canResume = execution.status === 'failed' && !!execution.failedStepId;
  const [from, setFrom] = useState<RetryFrom>(canResume ? 'failed_step' : 'start');
  const [version, setVersion] = useState<RetryVersion>('original');
  const [preview, setPreview] = useState<RetryPreview | undefined>();
  const [busy, setBusy] = useState<'preview' | 'retry' | undefined>();
  const [problem, setProblem] = useState<string | undefined>();

  const choose = (next: { from?: RetryFrom; version?: RetryVersion }) => {
    if (next.from) setFrom(next.from);
    if (next.version) setVersion(next.version);
    setPreview(undefined);
    setProblem(undefined);
  };
  const runPreview = async () => {
    setBusy('preview');
    setProblem(undefined);
    try {
      setPreview(await previewRetry(http, execution.workflowId, execution.executionId, { from, version }));
    } catch (error) {
      setProblem(describeFailure(error));
    } finally {
      setBusy(undefined);
    }
  };
  const retry = async () => {
    setBusy('retry');
    setProblem(undefined);
    try {
      const id = await retryExecution(http, execution.executionId, { from, version });
      navigate(executionHref(id));
    } catch (error) {
      setProblem(describeFailure(error));
      setBusy(undefined);
    }
  };

  return (
    <details class="card retry" open={execution.status === 'failed'}>
      <summary>
        <h2>Retry</h2>
      </summary>
      <form onSubmit={(e) => e.preventDefault()}>
      <div class="choices">
        <fieldset>
          <legend>Start from</legend>
          <label>
            <input type="radio" name="from" value="start" checked={from === 'start'} onChange={() => choose({ from: 'start' })} /> the start
          </label>
          <label class={canResume ? '' : 'muted'}>
            <input type="radio" name="from" value="failed_step" checked={from === 'failed_step'} disabled={!canResume} onChange={() => choose({ from: 'failed_step' })} /> the failed step
            {execution.failedStepId ? <> ({execution.failedStepId})</> : null}
          </label>
        </fieldset>
        <fieldset>
          <legend>Workflow version</legend>
          <label>
            <input type="radio" name="version" value="original" checked={version === 'original'} onChange={() => choose({ version: 'original' })} /> the one it ran (v{execution.version})
          </label>
          <label>
            <input type="radio" name="version" value="latest" checked={version === 'latest'} onChange={() => choose({ version: 'latest' })} /> the latest
          </label>
        </fieldset>
      </div>
      <div class="buttons">
        <button type="button" onClick={runPreview} disabled={busy !== undefined}>
          {busy === 'preview' ? 'Previewing…' : 'Preview side effects'}
        </button>
        <button type="button" class="primary" onClick={retry} disabled={busy !== undefined || !preview}>
          {busy === 'retry' ? 'Retrying…' : 'Retry'}
        </button>
        {!preview ? <span class="muted small">Preview first: it shows what a retry sends again.</span> : null}
      </div>
      <ProblemLine problem={problem} />
      {preview ? <PreviewView preview={preview} /> : null}
      </form>
    </details>
  );
}

function PreviewView({ preview }: { preview: RetryPreview }) {
  if (!preview.available) {
    return (
      <p class="notice notice-info" role="status" data-preview="unavailable">
        This gateway cannot preview a retry (it has no bulk-retry dry run). The retry may send messages, emails, calls and CRM writes again.
      </p>
    );
  }
  const plan = preview.plan;
  if (!plan) {
    return (
      <p class="notice notice-info" role="status" data-preview="empty">
        The dry run did not include this execution: it may not be retryable this way.
      </p>
    );
  }
  return (
    <div class="preview" role="status" data-preview="ready">
      {plan.error ? (
        <p class="field-error">
          Not retryable this way: {plan.error.message} ({plan.error.code})
        </p>
      ) : null}
      <p>
        <strong>Steps that would run:</strong> {plan.stepsToRun.length ? plan.stepsToRun.map((s) => s.stepId).join(' → ') : 'none'}
      </p>
      {plan.sideEffects.length === 0 ? (
        <p>No side effects would be sent again.</p>
      ) : (
        <div class="table-wrap">
          <table class="side-effects">
            <caption>Side effects that would be sent again</caption>
            <ColumnHeads names={['Step', 'Channel', 'To', 'What']} />
            <tbody>
              {plan.sideEffects.map((s, i) => (
                <tr key={i}>
                  <td>{s.stepId}</td>
                  <td>{s.channel}</td>
                  <td class="mono">{s.to}</td>
                  <td>{s.summary}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {plan.notes?.length ? (
        <ul class="muted small">
          {plan.notes.map((n, i) => (
            <li key={i}>{n}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
