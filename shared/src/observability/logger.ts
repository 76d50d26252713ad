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
