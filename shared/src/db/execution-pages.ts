import type { EndedStatus } from './models.js';

/**
 * How executions are laid out for list pages. FerretDB pushes down equality filters only (no
 * sort, range, skip, limit or count), so a list page must be an equality lookup on a narrow key:
 * each execution carries its workflow's start number (`seq`) and, once ended, its number among the
 * executions that ended with the same status (`statusSeq`); fifty consecutive numbers share a page
 * key. Page N of a list is then one or two key lookups, at any history size, on any Mongo server.
 */
export const PAGE_SIZE = 50;

export function pageKey(workflowId: string, seq: number): string {
  return `${workflowId}:${Math.floor(seq / PAGE_SIZE)}`;
}

export function statusPageKey(workflowId: string, status: EndedStatus, statusSeq: number): string {
  return `${workflowId}:${status}:${Math.floor(statusSeq / PAGE_SIZE)}`;
}

/** The UTC day of a time, `YYYY-MM-DD`: the key retention and clean-up delete by. */
export function utcDay(at: Date | string | number): string {
  return new Date(at).toISOString().slice(0, 10);
}
