/** One unit of work: jobs with the same key run one at a time, in the order pushed. */
export interface Job {
  key: string;
  /** jobs of different groups (orgs) take turns for the free slots */
  group: string;
  run(): Promise<void>;
}

/**
 * Runs jobs with at most `concurrency` at once: one key's jobs in order, different keys in
 * parallel, and the free slots shared round-robin between groups so one org's burst of work
 * waits behind itself, not in front of everyone else. A job never throws (the caller catches).
 */
export class KeyedScheduler {
  private readonly lanes = new Map<string, Job[]>();
  /** keys whose next job may start, per group, and the groups in turn order */
  private readonly ready = new Map<string, string[]>();
  private readonly turns: string[] = [];
  private running = 0;
  /** keys whose head job is running */
  private readonly active = new Set<string>();
  private stopped = false;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly concurrency: number) {}

  push(job: Job): void {
    if (this.stopped) return;
    const lane = this.lanes.get(job.key);
    if (lane) {
      lane.push(job);
      return;
    }
    this.lanes.set(job.key, [job]);
    this.markReady(job.group, job.key);
    this.pump();
  }

  /** Jobs waiting or running. */
  size(): number {
    let n = 0;
    for (const lane of this.lanes.values()) n += lane.length;
    return n;
  }

  /** Starts no new job; resolves when the running ones have finished. Jobs not started are dropped. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const [key, lane] of this.lanes) lane.splice(this.active.has(key) ? 1 : 0);
    this.ready.clear();
    this.turns.length = 0;
    if (this.running > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    this.lanes.clear();
  }

  private markReady(group: string, key: string): void {
    const keys = this.ready.get(group);
    if (keys) keys.push(key);
    else {
      this.ready.set(group, [key]);
      this.turns.push(group);
    }
  }

  private nextReady(): string | undefined {
    while (this.turns.length > 0) {
      const group = this.turns.shift() as string;
      const keys = this.ready.get(group) as string[];
      const key = keys.shift();
      if (keys.length > 0) this.turns.push(group);
      else this.ready.delete(group);
      if (key !== undefined) return key;
    }
    return undefined;
  }

  private pump(): void {
    while (!this.stopped && this.running < this.concurrency) {
      const key = this.nextReady();
      if (key === undefined) return;
      const job = (this.lanes.get(key) as Job[])[0] as Job;
      this.running++;
      this.active.add(key);
      void job.run().finally(() => this.finished(job));
    }
  }

  private finished(job: Job): void {
    this.running--;
    this.active.delete(job.key);
    const lane = this.lanes.get(job.key);
    if (lane) {
      lane.shift();
      if (lane.length === 0) this.lanes.delete(job.key);
      else if (!this.stopped) this.markReady((lane[0] as Job).group, job.key);
    }
    if (this.running === 0 && this.stopped) {
      for (const wake of this.idleWaiters.splice(0)) wake();
    }
    this.pump();
  }
}
