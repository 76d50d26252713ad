import type { Consumer } from 'kafkajs';
import { backoffDelay, sleep } from '../../async/index.js';
import type { Logger } from '../../observability/logger.js';

/**
 * kafkajs restarts a crashed consumer only after a retriable error. Some errors a broker outage
 * causes are not (e.g. "Failed to find group coordinator" once its retries are spent), and the
 * consumer would then stay down for good while the process looks alive: start it again, backing
 * off, until it runs without crashing again or the service stops.
 */
export function restartAfterCrashes(opts: {
  consumer: Consumer;
  logger: Logger;
  signal: AbortSignal;
  start: () => Promise<void>;
  onCrash: () => void;
  /** another member took this static member's instance id: restarting would only fight it */
  onFenced: (error: unknown) => void;
}): { stop(): Promise<void> } {
  let crashes = 0;
  let restarting: Promise<void> | undefined;

  async function recover(): Promise<void> {
    for (let attempt = 1; !opts.signal.aborted; attempt++) {
      await sleep(backoffDelay(attempt, { initialMs: 1_000, maxMs: 30_000 }), opts.signal);
      if (opts.signal.aborted) return;
      const before = crashes;
      try {
        await opts.consumer.connect();
        await opts.start();
      } catch (error) {
        opts.logger.error({ err: error, attempt }, 'consumer restart failed; trying again');
        await opts.consumer.disconnect().catch(() => undefined);
        continue;
      }
      // kafkajs reports a failure to join as a crash during run(): only no new crash means it is back
      if (crashes === before) {
        opts.logger.warn({ attempt }, 'consumer restarted after a crash kafkajs does not recover from');
        return;
      }
    }
  }

  opts.consumer.on(opts.consumer.events.CRASH, (e) => {
    opts.onCrash();
    opts.logger.error({ err: e.payload.error, restart: e.payload.restart }, 'consumer crashed');
    if ((e.payload.error as { type?: string }).type === 'FENCED_INSTANCE_ID') return opts.onFenced(e.payload.error);
    if (e.payload.restart || opts.signal.aborted) return;
    crashes++;
    restarting ??= recover().finally(() => (restarting = undefined));
  });

  return {
    async stop() {
      await restarting;
    },
  };
}
