import type { Logger } from '../observability/logger.js';

export interface Stoppable {
  stop(): Promise<void>;
}

/**
 * Runs a service's start function and stops it on SIGTERM/SIGINT: in-flight work gets
 * `shutdownTimeoutMs` to finish and commit, then the process exits regardless.
 */
export async function runService(opts: { logger: Logger; shutdownTimeoutMs: number; start: () => Promise<Stoppable> }): Promise<void> {
  const { logger } = opts;
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection'));
  let service: Stoppable;
  try {
    service = await opts.start();
  } catch (error) {
    logger.fatal({ err: error }, 'failed to start');
    process.exit(1);
  }
  logger.info('started');
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    const force = setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, opts.shutdownTimeoutMs);
    force.unref();
    service
      .stop()
      .then(() => {
        logger.info('stopped');
        process.exit(0);
      })
      .catch((error: unknown) => {
        logger.error({ err: error }, 'error while stopping');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

/** Stops components in reverse order of start, each at most once, continuing past failures. */
export function stopInReverse(logger: Logger, ...components: (Stoppable | (() => Promise<void>))[]): Stoppable {
  return {
    async stop() {
      for (const c of [...components].reverse()) {
        try {
          await (typeof c === 'function' ? c() : c.stop());
        } catch (error) {
          logger.warn({ err: error }, 'component failed to stop cleanly');
        }
      }
    },
  };
}
