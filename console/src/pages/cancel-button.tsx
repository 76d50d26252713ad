import { useEffect, useRef, useState } from 'preact/hooks';
import { cancelExecution } from '../api/executions.js';
import { ApiFailure, describeFailure } from '../api/http.js';
import { useApp } from '../app-context.js';
import { ProblemLine } from '../components/notice.js';

/** Cancel a running execution, after a confirmation; the live view then shows it end as cancelled. */
export function CancelButton({ executionId }: { executionId: string }) {
  const { http } = useApp();
  const [stage, setStage] = useState<'idle' | 'confirm' | 'sending' | 'sent'>('idle');
  const [problem, setProblem] = useState<string | undefined>();
  const yes = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (stage === 'confirm') yes.current?.focus();
  }, [stage]);
  const send = async () => {
    setStage('sending');
    try {
      await cancelExecution(http, executionId, 'cancelled from the console');
      setStage('sent');
    } catch (error) {
      setProblem(error instanceof ApiFailure && error.status === 409 ? 'It had already ended.' : describeFailure(error));
      setStage('idle');
    }
  };
  return (
    // biome-ignore lint/a11y/useSemanticElements: a group of buttons, not a form, so no <fieldset> with its legend and border
    <div class="cancel" role="group" aria-label="Cancel">
      {stage === 'idle' ? (
        <button type="button" class="danger" onClick={() => setStage('confirm')}>
          Cancel execution
        </button>
      ) : null}
      {stage === 'confirm' || stage === 'sending' ? (
        <span class="confirm">
          Stop it? Steps not yet started will not run.{' '}
          <button type="button" class="danger" onClick={send} disabled={stage === 'sending'} ref={yes}>
            Yes, cancel it
          </button>{' '}
          <button type="button" onClick={() => setStage('idle')} disabled={stage === 'sending'}>
            No
          </button>
        </span>
      ) : null}
      {stage === 'sent' ? <span role="status">Cancel requested: waiting for the engine…</span> : null}
      <ProblemLine problem={problem} />
    </div>
  );
}
