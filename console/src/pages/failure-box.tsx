import type { StepErrorInfo } from '../api/types.js';
import { explainFailure } from '../format/failure.js';

/** A recorded error: its code and message, and, for a breaker or limit, which one refused the step. */
export function FailureBox({ error, stepId, onOpenStep }: { error: StepErrorInfo; stepId?: string | undefined; onOpenStep?: (stepId: string) => void }) {
  const why = explainFailure(error);
  return (
    // biome-ignore lint/a11y/useSemanticElements: a labelled block of text and one button, not a form, so no <fieldset>
    <div class={`failure failure-${why.kind}`} role="group" aria-label="What failed" data-error-code={error.code}>
      <p class="failure-title">
        <strong>{why.title}</strong>
        {stepId ? (
          <>
            {' '}
            at step{' '}
            {onOpenStep ? (
              <button type="button" class="link" onClick={() => onOpenStep(stepId)}>
                {stepId}
              </button>
            ) : (
              <strong>{stepId}</strong>
            )}
          </>
        ) : null}
      </p>
      <p class="failure-message">{error.message}</p>
      <p class="muted small">
        <code>{error.code}</code>
        {error.provider ? <> · provider {error.provider}</> : null}
        {error.kind ? <> · {error.kind.replace('_', ' ')}</> : null} · {why.detail}
      </p>
    </div>
  );
}
