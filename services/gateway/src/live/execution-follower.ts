import { executionLogDoc } from '@botwot/shared/db';
import { logView, type ExecutionStore, type ExecutionView, type LogView } from '../stores/execution-store.js';
import type { EndedReader } from './ended-reader.js';
import type { LifecycleEvent } from './lifecycle-feed.js';

/** Where a followed execution's events go (an SSE stream, or a test's array). */
export interface FollowSink {
  execution(view: ExecutionView): void;
  step(row: LogView): void;
  end(view: ExecutionView): void;
}

const ENDINGS = new Set(['execution.completed', 'execution.failed', 'execution.cancelled']);

/**
 * Follows one execution for one client: the stored snapshot, then each step as its lifecycle event
 * passes, then the end. Step orders of an execution run 0, 1, 2… without gaps, so steps go out
 * strictly in that order, each once, from whichever source has it first (the stored rows or the
 * feed); a client resuming with Last-Event-ID therefore never misses one.
 *
 * A step can pass the feed before this follower subscribed and reach Mongo only after the
 * snapshot was read. A later step then arrives with a gap below it, and the stored rows are read
 * again until the gap fills; `recheck()` (called on a timer) catches an ending the feed never
 * showed. At the end, the stored rows are complete (the log-sink writes a workflow's events in
 * order), so whatever is missing is sent from them before `end`.
 */
export class ExecutionFollower {
  private next: number;
  private readonly pending = new Map<number, LogView>();
  private finishing: Promise<void> | undefined;
  private repairing: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly opts: {
      orgId: string;
      executionId: string;
      /** the last stepOrder the client has (Last-Event-ID): only later steps are sent */
      after?: number | undefined;
      store: ExecutionStore;
      ended: EndedReader;
      sink: FollowSink;
      /** called once the end was sent */
      onEnd: () => void;
    },
  ) {
    this.next = (opts.after ?? -1) + 1;
  }

  /** Sends the snapshot and the stored steps; call after subscribing to the feed. */
  async start(snapshot: ExecutionView): Promise<void> {
    this.opts.sink.execution(snapshot);
    if (snapshot.status !== 'running') return this.finish();
    this.offer(await this.opts.store.logs(this.opts.orgId, this.opts.executionId));
  }

  /** A lifecycle event of the execution's workflow. */
  onEvent(event: LifecycleEvent): void {
    if (this.closed || event.executionId !== this.opts.executionId || event.orgId !== this.opts.orgId) return;
    if (event.type === 'step.recorded') {
      this.offer([logView(executionLogDoc(event))]);
      if (this.pending.size > 0) void this.repair();
    } else if (ENDINGS.has(event.type)) void this.finish();
  }

  /** Reads the execution again: ends the stream when it has ended, fills a gap when there is one. */
  async recheck(): Promise<void> {
    if (this.closed || this.finishing !== undefined) return;
    const row = await this.opts.store.get(this.opts.orgId, this.opts.executionId);
    if (row && row.status !== 'running') return this.finish();
    if (this.pending.size > 0) return this.repair();
  }

  close(): void {
    this.closed = true;
  }

  private offer(rows: LogView[]): void {
    for (const row of rows) if (row.stepOrder >= this.next && !this.pending.has(row.stepOrder)) this.pending.set(row.stepOrder, row);
    for (let row = this.pending.get(this.next); row && !this.closed; row = this.pending.get(this.next)) {
      this.pending.delete(this.next);
      this.next += 1;
      this.opts.sink.step(row);
    }
  }

  /** Reads the stored rows until the gap below the pending steps is filled (or the execution ends). */
  private repair(): Promise<void> {
    this.repairing ??= (async () => {
      for (let wait = 25; this.pending.size > 0 && !this.closed && this.finishing === undefined; wait = Math.min(1_000, wait * 2)) {
        this.offer(await this.opts.store.logs(this.opts.orgId, this.opts.executionId));
        if (this.pending.size > 0) await new Promise((r) => setTimeout(r, wait).unref());
      }
    })().finally(() => (this.repairing = undefined));
    return this.repairing;
  }

  private finish(): Promise<void> {
    this.finishing ??= (async () => {
      const ended = await this.opts.ended(this.opts.orgId, this.opts.executionId);
      if (!ended || this.closed) {
        this.finishing = undefined; // still running in Mongo: the next recheck tries again
        return;
      }
      this.offer(await this.opts.store.logs(this.opts.orgId, this.opts.executionId));
      // nothing should be left; if a row is missing for good, send the rest rather than hold them
      for (const order of [...this.pending.keys()].sort((a, b) => a - b)) this.opts.sink.step(this.pending.get(order) as LogView);
      this.pending.clear();
      this.opts.sink.execution(ended);
      this.opts.sink.end(ended);
      this.closed = true;
      this.opts.onEnd();
    })();
    return this.finishing;
  }
}
