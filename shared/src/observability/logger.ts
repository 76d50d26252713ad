import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

/** Paths whose values never reach a log line: credentials and message bodies marked sensitive. */
export const REDACT_PATHS = [
  'authorization',
  'headers.authorization',
  'req.headers.authorization',
  'token',
  '*.token',
  'password',
  '*.password',
  'secret',
  '*.secret',
  'apiKey',
  '*.apiKey',
  'accessToken',
  '*.accessToken',
  'config.auth',
  'body',
  'text.body',
  'message_text',
  'email_body',
  'call_transcript',
  // the same bodies one level down, as they sit inside triggerData, vars or a step's output
  '*.message_text',
  '*.email_body',
  '*.call_transcript',
];

/**
 * One JSON logger per process; add executionId/stepId/orgId with `.child()` where they are known.
 * Writes to stdout unless given a destination (tests read the lines back from a stream).
 */
export function createLogger(service: string, level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service, pid: process.pid },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return destination ? pino(options, destination) : pino(options);
}

const LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace']);
const noop = () => undefined;

/**
 * A child logger made only when something is logged through it. Handlers get one per message;
 * pino's `child()` costs more than most of them log (nothing, at the default level).
 */
export function lazyChild(parent: Logger, bindings: Record<string, unknown>): Logger {
  let child: Logger | undefined;
  const made = () => (child ??= parent.child(bindings));
  return new Proxy({} as Logger, {
    get(_target, prop) {
      if (typeof prop === 'string' && LEVELS.has(prop) && !child && !parent.isLevelEnabled(prop)) return noop;
      if (prop === 'child') return (more: Record<string, unknown>) => lazyChild(parent, { ...bindings, ...more });
      const c = made();
      const value = (c as unknown as Record<string | symbol, unknown>)[prop];
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(c) : value;
    },
  });
}
