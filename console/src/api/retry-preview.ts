import { routeMissing, type Http } from './http.js';
import type { RetryFrom, RetryPlan, RetryVersion } from './types.js';

/** The dry run's answer, or that this gateway has no bulk-retry route to ask. */
export type RetryPreview = { available: true; plan: RetryPlan | undefined } | { available: false };

/**
 * What retrying one execution would run and send again, from the bulk-retry route's dry run
 * (`POST /workFlow/:id/executions/retry` with `dryRun: true` and the one id as the filter).
 * Nothing starts. A gateway without the route answers `{ available: false }`.
 */
export async function previewRetry(
  http: Http,
  workflowId: string,
  executionId: string,
  opts: { from: RetryFrom; version: RetryVersion },
  signal?: AbortSignal,
): Promise<RetryPreview> {
  try {
    const body = await http.post<{ executions?: RetryPlan[] }>(
      `/workFlow/${encodeURIComponent(workflowId)}/executions/retry`,
      { filter: { executionIds: [executionId] }, from: opts.from, version: opts.version, dryRun: true },
      signal,
    );
    return { available: true, plan: body.executions?.find((e) => e.executionId === executionId) };
  } catch (error) {
    if (routeMissing(error)) return { available: false };
    throw error;
  }
}
