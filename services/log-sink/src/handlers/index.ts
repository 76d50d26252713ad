import type { EventOf, TOPICS } from '@botwot/shared/events';
import { executionLogDoc, executionStartDoc, storable } from '@botwot/shared/db';
import type { HandlersFor } from '@botwot/shared/kafka';
import type { EndRecord, LogRecord, StartRecord } from '../rows.js';

export type Row = StartRecord | LogRecord | EndRecord;
export type LogSinkTopic = (typeof TOPICS)['executionEvents'];

/**
 * Turns each lifecycle event into the row it writes; the commit stage (write-rows.ts) writes a
 * whole cycle's rows at once, numbered for the list pages, before the offsets are committed.
 */
export function createHandlers(): HandlersFor<LogSinkTopic, Row> {
  return {
    'execution.started': async (e) => ({ records: [startRow(e)] }),
    'step.recorded': async (e) => ({ records: [logRow(e)] }),
    'execution.completed': async (e) => ({ records: [endRow(e)] }),
    'execution.failed': async (e) => ({ records: [endRow(e)] }),
    'execution.cancelled': async (e) => ({
      records: [
        {
          kind: 'end',
          workflowId: e.data.workflowId,
          executionId: e.executionId as string,
          status: 'cancelled',
          eventId: e.eventId,
          fields: { completedAt: new Date(e.data.completedAt), totalDuration: e.data.totalDurationMs, cancelledBy: e.data.cancelledBy, ...(e.data.reason ? { cancelReason: e.data.reason } : {}) },
        },
      ],
    }),
  };
}

function startRow(e: EventOf<'execution.started'>): StartRecord {
  return { kind: 'start', workflowId: e.data.workflowId, doc: executionStartDoc(e) };
}

function logRow(e: EventOf<'step.recorded'>): LogRecord {
  return { kind: 'log', workflowId: e.data.workflowId, doc: executionLogDoc(e) };
}

function endRow(e: EventOf<'execution.completed'> | EventOf<'execution.failed'>): EndRecord {
  const common = { completedAt: new Date(e.data.completedAt), totalDuration: e.data.totalDurationMs };
  const fields =
    e.type === 'execution.completed'
      ? { finalOutput: storable(e.data.finalOutput), ...common }
      : {
          errorMessage: e.data.error.message,
          error: e.data.error,
          ...(e.data.failedStepId ? { failedStepId: e.data.failedStepId } : {}),
          ...(e.data.resumeState ? { resumeState: storable(e.data.resumeState) } : {}),
          ...common,
        };
  return { kind: 'end', workflowId: e.data.workflowId, executionId: e.executionId as string, status: e.type === 'execution.completed' ? 'completed' : 'failed', eventId: e.eventId, fields };
}
