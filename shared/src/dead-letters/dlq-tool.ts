import type { Kafka } from 'kafkajs';
import type { Connection } from 'mongoose';
import { formatDeadLetterId, type DeadLetterId } from './dead-letter-id.js';
import type { DeadLetter } from './dead-letter.js';
import { applyFilters, type Filters } from './filters.js';
import { createKafkaSender } from './kafka-sender.js';
import { createMongoEngineRecords } from './mongo-records.js';
import { readDeadLetters, type ReadResult } from './read-dead-letters.js';
import { createMongoReplayLedger } from './replay-ledger.js';
import { replayDeadLetters, type ReplayOutcome } from './replay.js';

export interface DlqToolDeps {
  kafka: Kafka;
  /** opened on the first replay only: list and show need no database */
  connectMongo: () => Promise<Connection>;
  /** whether the engine's consumers read the Confluent wire format (a schema registry is configured) */
  wireFormat: boolean;
  readTimeoutMs: number;
}

export interface Selection {
  ids?: DeadLetterId[];
  filters: Filters;
  /** keeps only the dead letters it accepts (the API keeps an org's own); an id it refuses counts as missing */
  keep?: (dl: DeadLetter) => boolean;
}

/** Read results the CLI reports besides the dead letters themselves. */
export interface ReadGaps {
  /** ids asked for that the topic does not hold */
  missing: string[];
  unfinished: ReadResult['unfinished'];
}

/**
 * The dead-letter tool as functions that return data: the CLI formats what they return, and the
 * integration tests call them directly.
 */
export function createDlqTool(deps: DlqToolDeps) {
  let mongo: Promise<Connection> | undefined;

  async function select(sel: Selection): Promise<{ deadLetters: DeadLetter[]; matched: number } & ReadGaps> {
    const read = await readDeadLetters({
      kafka: deps.kafka,
      timeoutMs: deps.readTimeoutMs,
      wireFormat: deps.wireFormat,
      ...(sel.ids ? { ids: sel.ids } : {}),
      ...(sel.filters.since !== undefined ? { since: sel.filters.since } : {}),
    });
    const visible = sel.keep ? read.deadLetters.filter(sel.keep) : read.deadLetters;
    const { kept, matched } = applyFilters(visible, sel.filters);
    const found = new Set(visible.map((dl) => dl.id));
    const unfinishedPartitions = new Set(read.unfinished.map((u) => u.partition));
    const missing = (sel.ids ?? []).filter((id) => !found.has(formatDeadLetterId(id)) && !unfinishedPartitions.has(id.partition)).map(formatDeadLetterId);
    return { deadLetters: kept, matched, missing, unfinished: read.unfinished };
  }

  return {
    /** The dead letters that match, oldest first (the newest `limit`). */
    list: (filters: Filters, keep?: Selection['keep']) => select({ filters, ...(keep ? { keep } : {}) }),

    /** One dead letter, or undefined when the topic holds none at that id. */
    async show(id: DeadLetterId): Promise<DeadLetter | undefined> {
      const { deadLetters } = await select({ ids: [id], filters: {} });
      return deadLetters[0];
    },

    /** Replays the selected dead letters (see replay.ts); with dryRun, only says what it would do. */
    async replay(sel: Selection, opts: { dryRun: boolean; force: boolean }): Promise<{ outcomes: ReplayOutcome[] } & ReadGaps> {
      const { deadLetters, missing, unfinished } = await select(sel);
      if (deadLetters.length === 0) return { outcomes: [], missing, unfinished };
      mongo ??= deps.connectMongo();
      const conn = await mongo;
      const records = createMongoEngineRecords(conn);
      const ledger = createMongoReplayLedger(conn);
      const sender = opts.dryRun ? undefined : await createKafkaSender(deps.kafka);
      try {
        const outcomes = await replayDeadLetters(deadLetters, {
          records,
          claims: records,
          ledger,
          force: opts.force,
          dryRun: opts.dryRun,
          sender: sender ?? { send: () => Promise.reject(new Error('dry run: nothing is sent')) },
        });
        return { outcomes, missing, unfinished };
      } finally {
        await sender?.close();
      }
    },

    async close(): Promise<void> {
      const conn = await mongo?.catch(() => undefined);
      await conn?.close();
    },
  };
}

export type DlqTool = ReturnType<typeof createDlqTool>;
