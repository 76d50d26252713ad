/**
 * Fills the store before a run so reads are measured against a history of the asked size: executions go
 * through the real API, one batch at a time, each batch as fast as the gateway takes it; the next batch
 * starts when the tap has seen the last one end.
 */
import type { BenchApi } from './bench-api.js';
import type { EventTap } from './event-tap.js';

export interface FillResult {
  added: number;
  refused: number;
  /** accepted executions that had not ended when their batch's wait ran out */
  unended: number;
  seconds: number;
}

const BATCH = 500;
const CONCURRENCY = 32;
const BATCH_WAIT_MS = 10 * 60_000;

/** Runs `count` executions of the workflow (ids `fill-<n>` from `firstSeq`), and waits for each batch to end. */
export async function fillStore(opts: {
  api: BenchApi;
  tap: EventTap;
  workflowId: string;
  count: number;
  firstSeq: number;
  log: (line: string) => void;
}): Promise<FillResult> {
  const t0 = Date.now();
  let added = 0;
  let refused = 0;
  let unended = 0;
  for (let done = 0; done < opts.count; ) {
    const size = Math.min(BATCH, opts.count - done);
    const ids: string[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(CONCURRENCY, size) }, async () => {
        while (next < size) {
          const seq = opts.firstSeq + done + next++;
          const outcome = await opts.api.execute(opts.workflowId, `fill-${seq}`, 60_000);
          if (outcome.kind === 'accepted') ids.push(outcome.executionId);
          else refused++;
        }
      }),
    );
    const left = await opts.tap.waitFor(ids, BATCH_WAIT_MS);
    opts.tap.forget(ids);
    added += ids.length;
    unended += left.length;
    done += size;
    const s = (Date.now() - t0) / 1000;
    opts.log(`  stored ${done}/${opts.count} (${(done / s).toFixed(1)}/s${refused ? `, ${refused} refused` : ''}${unended ? `, ${unended} not ended in time` : ''})`);
    // a gateway that refuses everything will not fill anything: stop rather than spin
    if (ids.length === 0) throw new Error(`filling the store: every execute of a batch was refused (${refused} so far)`);
  }
  return { added, refused, unended, seconds: (Date.now() - t0) / 1000 };
}
