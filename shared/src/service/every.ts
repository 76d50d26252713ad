import type { Logger } from '../observability/logger.js';

/** Runs `sweep` every `intervalMs` until stopped; one sweep at a time, failures logged and tried again next round. */
export function every(intervalMs: number, sweep: () => Promise<unknown>, logger: Logger): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = running.then(sweep).catch((error: unknown) => logger.error({ err: error }, 'periodic task failed'));
  }, intervalMs);
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
