import type { Models } from '@botwot/shared/db';
import { isConnectionError } from '@botwot/shared/db';
import { DependencyDownError, type Handler, type HandlerMap } from '@botwot/shared/kafka';
import type { Metrics } from '@botwot/shared/observability';
import { recordExecutionEnd, recordExecutionStart } from './execution-record.js';
import { recordStep } from './step-record.js';

export interface LogSinkDeps {
  models: Models;
  metrics: Metrics;
}

/** A Mongo outage pauses consumption (nothing committed, nothing dead-lettered) instead of losing rows. */
function guarded<E>(handler: Handler<E>): Handler<E> {
  return async (event, ctx) => {
    try {
      return await handler(event, ctx);
    } catch (error) {
      if (isConnectionError(error)) throw new DependencyDownError(`mongo unavailable: ${(error as Error).message}`, { cause: error });
      throw error;
    }
  };
}

/** Writes each lifecycle event into Mongo with an idempotent upsert. */
export function createHandlers(deps: LogSinkDeps): HandlerMap {
  return {
    'execution.started': guarded((e) => recordExecutionStart(deps, e)),
    'step.recorded': guarded((e) => recordStep(deps, e)),
    'execution.completed': guarded((e) => recordExecutionEnd(deps, e)),
    'execution.failed': guarded((e) => recordExecutionEnd(deps, e)),
  };
}
