import type { ComponentChildren } from 'preact';
import { describeFailure } from '../api/http.js';

/** A failure to show in place of what could not be loaded or done. */
export function ErrorNotice({ error, what }: { error: unknown; what: string }) {
  return (
    <div class="notice notice-error" role="alert">
      <strong>{what}:</strong> {describeFailure(error)}
    </div>
  );
}

export function InfoNotice({ children }: { children: ComponentChildren }) {
  return <div class="notice notice-info">{children}</div>;
}

/** What went wrong with the action just tried, announced to screen readers; nothing when all is well. */
export function ProblemLine({ problem }: { problem: string | undefined }) {
  return problem ? (
    <p class="field-error" role="alert">
      {problem}
    </p>
  ) : null;
}
