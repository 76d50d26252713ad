import { useState } from 'preact/hooks';
import { listDeadLetters, replayDeadLetters, type ReplayResult } from '../api/dead-letters.js';
import { describeFailure } from '../api/http.js';
import { useApp } from '../app-context.js';
import { ErrorNotice, InfoNotice, ProblemLine } from '../components/notice.js';
import { PageTitle } from '../components/page-title.js';
import { formatAge, formatTime } from '../format/time.js';
import { useAsync } from '../hooks/use-async.js';
import { useNow } from '../hooks/use-now.js';
import { executionHref } from '../router/routes.js';
import { ColumnHeads } from '../components/column-heads.js';

/**
 * The org's dead letters (events the engine could not handle) with reason, topic and age.
 * Replay is two steps: a dry run that says what each replay would do, then the replay itself.
 */
export function DeadLettersPage() {
  const { http } = useApp();
  const now = useNow(30_000);
  const state = useAsync((signal) => listDeadLetters(http, signal), [http]);
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [dryRun, setDryRun] = useState<ReplayResult | undefined>();
  const [done, setDone] = useState<ReplayResult | undefined>();
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

  const items = state.data?.available ? state.data.items : [];
  return (
    <section>
      <div class="section-head">
        <PageTitle title="Dead letters">Dead letters</PageTitle>
        <button type="button" onClick={state.reload} disabled={state.loading} aria-busy={state.loading}>
          {state.loading ? 'Reading…' : 'Refresh'}
        </button>
      </div>
      <p class="muted">Events of this organisation that the engine could not handle, with why. Replaying sends one back to its topic, unless its work was done since.</p>
      {state.error ? <ErrorNotice error={state.error} what="Could not load the dead letters" /> : null}
      {state.loading && !state.data ? <p aria-busy="true">Loading…</p> : null}
      {state.data && !state.data.available ? (
        <InfoNotice>
          <span data-dead-letters="unavailable">
            Dead letters are not available on this gateway: it has no <code>/workFlow/dead-letters</code> route. Operators can list and replay them with <code>npm run dlq</code>.
          </span>
        </InfoNotice>
      ) : null}
      {state.data?.available && items.length === 0 ? <p data-dead-letters="empty">No dead letters for this organisation.</p> : null}
      {items.length > 0 ? (
        <form onSubmit={(e) => e.preventDefault()}>
          <div class="table-wrap">
            <table class="list dead-letters">
              <caption class="sr-only">Dead letters, newest first, with the reason each could not be handled</caption>
              <ColumnHeads names={[{ hidden: 'Choose' }, 'Reason', 'Topic', 'Age', 'Event']} />
              <tbody>
                {items.map((d) => (
                  <tr key={d.id} data-dead-letter-id={d.id}>
                    <td>
                      <input type="checkbox" aria-label={`Choose dead letter ${d.id}`} checked={chosen.has(d.id)} onChange={(e) => toggle(d.id, (e.target as HTMLInputElement).checked)} />
                    </td>
                    <td data-label="Reason" class="reason">
                      {d.reason}
                      {d.service ? <div class="muted small">by {d.service}</div> : null}
                    </td>
                    <td data-label="Topic" class="mono">
                      {d.topic}
                    </td>
                    <td data-label="Age" title={formatTime(d.at)}>
                      {formatAge(d.at, now)}
                    </td>
                    <td data-label="Event">
                      {d.eventType ? <code>{d.eventType}</code> : null}
                      {d.executionId ? (
                        <div>
                          <a href={executionHref(d.executionId)} class="mono small">
                            {d.executionId}
                          </a>
                        </div>
                      ) : null}
                    </td>
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
          <ProblemLine problem={problem} />
          {dryRun ? <Outcomes title="A replay would:" result={dryRun} kind="dry-run" /> : null}
        </form>
      ) : null}
      {done ? <Outcomes title="Replayed:" result={done} kind="replayed" /> : null}
    </section>
  );
}

function Outcomes({ title, result, kind }: { title: string; result: ReplayResult; kind: string }) {
  return (
    <div class="card" role="status" data-replay={kind}>
      <strong>{title}</strong>
      <ul>
        {result.outcomes.map((r) => (
          <li key={r.id} data-outcome={r.outcome}>
            <span class="mono">{r.id}</span>: {r.outcome}
            {r.detail ? <span class="muted"> ({r.detail})</span> : null}
          </li>
        ))}
        {result.notFound.map((id) => (
          <li key={id}>
            <span class="mono">{id}</span>: no longer a dead letter of this organisation
          </li>
        ))}
      </ul>
    </div>
  );
}
