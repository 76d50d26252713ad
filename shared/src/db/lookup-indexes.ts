/**
 * The fields each collection is read by with an equality filter, so the local stack can index them.
 *
 * Why it exists: FerretDB 1.24 on PostgreSQL sends an equality filter to PostgreSQL as
 * `_jsonb->'field' @> value`, and the btree indexes its `createIndexes` makes cannot serve `@>`;
 * without more, every read scans its whole table. At start the launcher makes one GIN index per
 * field listed here (local-servers' `ensureLookupIndexes`), which PostgreSQL does use; docs/storage.md has
 * the query plans and figures. A real MongoDB (`MONGO_URL`) uses the mongoose indexes instead.
 *
 * Add a field when a new read filters on it by equality. Only top-level fields help: FerretDB
 * pushes down no dotted path, no range, no sort, no limit. Keep this a plain data list.
 */
export const LOOKUP_INDEXES = {
  workflows: ['_id', 'orgId'],
  workflowsteps: ['workflowId'],
  // no orgId or workflowId here: every read narrows by a key below, and an index on a wide field
  // can lead the planner to read a whole org's entries when its statistics are stale
  workflow_executions: ['_id', 'page', 'statusPage', 'status', 'day'],
  workflow_execution_stats: ['_id'],
  execution_logs: ['_id', 'executionId', 'day'],
  execution_requests: ['_id'],
  orchestrator_claims: ['_id', 'day'],
  workflow_edit_locks: ['_id'],
  dlq_replays: ['_id'],
} as const satisfies Readonly<Record<string, readonly string[]>>;
