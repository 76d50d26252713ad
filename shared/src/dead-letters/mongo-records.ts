import type { Connection } from 'mongoose';
import { createModels } from '../db/index.js';
import type { EngineRecords } from './handled-checks.js';
import type { ClaimReleaser } from './replay.js';

/** The orchestrator's claims collection (services/orchestrator/src/claims.ts), read here by `_id` only. */
const CLAIMS = 'orchestrator_claims';

/**
 * What the engine wrote, read from Mongo by `_id` only (an equality on `_id` is the one lookup every
 * Mongo-wire server answers from an index).
 */
export function createMongoEngineRecords(conn: Connection): EngineRecords & ClaimReleaser {
  const claims = conn.collection<{ _id: string; holder: string }>(CLAIMS);
  const { Execution, ExecutionLog } = createModels(conn);
  const executions = Execution.collection;
  const logs = ExecutionLog.collection;
  return {
    async claimHolder(key) {
      const found = await claims.findOne({ _id: key }, { projection: { holder: 1 } });
      return found?.holder;
    },
    async executionStatus(executionId) {
      const found = await executions.findOne({ _id: executionId } as never, { projection: { status: 1 } });
      return found ? String((found as { status?: unknown }).status) : undefined;
    },
    async logRowExists(rowId) {
      return (await logs.findOne({ _id: rowId } as never, { projection: { _id: 1 } })) !== null;
    },
    async releaseOwnClaim({ key, holder }) {
      const found = await claims.findOne({ _id: key });
      if (found?.holder !== holder) return found === null;
      await claims.deleteOne({ _id: key });
      return true;
    },
  };
}
