import type { EndedStatus } from '@botwot/shared/db';

/** An execution began: its document, numbered when written. */
export interface StartRecord {
  kind: 'start';
  workflowId: string;
  doc: { _id: string; orgId: string } & Record<string, unknown>;
}

/** One step's log row, written once. */
export interface LogRecord {
  kind: 'log';
  workflowId: string;
  doc: { _id: string } & Record<string, unknown>;
}

/** An execution ended: the first ending of a running execution wins. */
export interface EndRecord {
  kind: 'end';
  workflowId: string;
  executionId: string;
  status: EndedStatus;
  /** the ending event's id, kept on the row so a redelivery recognises its own earlier write */
  eventId: string;
  fields: Record<string, unknown>;
}
