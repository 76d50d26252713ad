import { useState } from 'preact/hooks';
import { listDeadLetters, replayDeadLetters, type ReplayOutcome } from '../api/dead-letters.js';
import { describeFailure } from '../api/http.js';
import { useApp } from '../app-context.js';
import { ErrorNotice, InfoNotice } from '../components/notice.js';
import { PageTitle } from '../components/page-title.js';
import { formatAge, formatTime } from '../format/time.js';
import { useAsync } from '../hooks/use-async.js';
import { useNow } from '../hooks/use-now.js';
import { executionHref } from '../router/routes.js';

/**
 * The org's dead letters (messages the engine could not handle) with reason, topic and age.
 * Replay is two steps: a dry run that says what each replay would do, then the replay itself.
 */
export function DeadLettersPage() {
  const { http } = useApp();
  const now = useNow(30_000);
  const state = useAsync((signal) => listDeadLetters(http, signal), [http]);
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [dryRun, setDryRun] = useState<ReplayOutcome[] | undefined>();
  const [done, setDone] = useState<ReplayOutcome[] | undefined>();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | undefined>();

  const toggle = (id: string, on: boolean) => {
    setChosen((s) => {
      const next = new Set(s);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
    setDryRun(undefined);
  };
  const act = async (dry: boolean) => {
    setBusy(true);
    setProblem(undefined);
    try {
      const out = await replayDeadLetters(http, [...chosen], dry);
      if (dry) setDryRun(out);
      else {
        setDone(out);
        setDryRun(undefined);
        setChosen(new Set());
        state.reload();
      }
    } catch (error) {
      setProblem(describeFailure(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section>
      <PageTitle title="Dead letters">Dead letters</PageTitle>
      {state.error ? <ErrorNotice error={state.error} what="Could not load the dead letters" /> : null}
      {state.loading && !state.data ? <p aria-busy="true">Loading…</p> : null}
      {state.data && !state.data.available ? (
        <InfoNotice>
          <span data-dead-letters="unavailable">
            Dead letters are not available on this gateway yet: it has no <code>/workFlow/dead-letters</code> route. Operators can list and replay them with <code>npm run dlq</code>.
          </span>
        </InfoNotice>
      ) : null}
      {state.data?.available && state.data.items.length === 0 ? <p data-dead-letters="empty">No dead letters for this organisation.</p> : null}
      {state.data?.available && state.data.items.length > 0 ? (
        <form onSubmit={(e) => e.preventDefault()}>
          <div class="table-wrap">
            <table class="list dead-letters">
              <caption class="sr-only">Dead letters, with the reason each could not be handled</caption>
              <thead>
                <tr>
                  <th scope="col">
                    <span class="sr-only">Choose</span>
                  </th>
                  <th scope="col">Reason</th>
                  <th scope="col">Topic</th>
                  <th scope="col">Age</th>
                  <th scope="col">Execution</th>
                </tr>
              </thead>
              <tbody>
                {state.data.items.map((d) => (
                  <tr key={d.id} data-dead-letter-id={d.id}>
                    <td>
                      <input type="checkbox" aria-label={`Choose dead letter ${d.id}`} checked={chosen.has(d.id)} onChange={(e) => toggle(d.id, (e.target as HTMLInputElement).checked)} />
                    </td>
                    <td data-label="Reason">{d.reason}</td>
                    <td data-label="Topic" class="mono">
                      {d.topic}
                    </td>
                    <td data-label="Age" title={formatTime(d.at)}>
                      {formatAge(d.at, now)}
                    </td>
                    <td data-label="Execution">{d.executionId ? <a href={executionHref(d.executionId)} class="mono">{d.executionId}</a> : <span class="muted">—</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div class="buttons">
            <button type="button" onClick={() => act(true)} disabled={busy || chosen.size === 0}>
              Dry run ({chosen.size})
            </button>
            <button type="button" class="primary" onClick={() => act(false)} disabled={busy || !dryRun}>
              Replay
            </button>
            {!dryRun ? <span class="muted small">Choose dead letters and do a dry run first.</span> : null}
          </div>
          {problem ? (
            <p class="field-error" role="alert">
              {problem}
            </p>
          ) : null}
          {dryRun ? <Outcomes title="A replay would:" rows={dryRun} /> : null}
        </form>
      ) : null}
      {done ? <Outcomes title="Replayed:" rows={done} /> : null}
    </section>
  );
}

function Outcomes({ title, rows }: { title: string; rows: ReplayOutcome[] }) {
  return (
    <div class="card" role="status">
      <strong>{title}</strong>
      <ul>
        {rows.map((r) => (
          <li key={r.id}>
            <span class="mono">{r.id}</span>: {r.outcome}
            {r.detail ? <span class="muted"> ({r.detail})</span> : null}
          </li>
        ))}
      </ul>
    </div>
  );
}
