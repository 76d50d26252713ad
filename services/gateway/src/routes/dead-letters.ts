import { createRoute, z } from '@hono/zod-openapi';
import { eventTypeOf, parseDeadLetterId, parseTime, UsageError, type DeadLetter, type DlqTool, type Filters, type ReplayOutcome } from '@botwot/shared/dead-letters';
import { body, createRouter, errors, json } from '../api/openapi.js';
import type { AuthEnv } from '../auth.js';
import { ApiError } from '../errors.js';

const dlId = z.string().regex(/^\d{1,5}:\d{1,16}$/, '<partition>:<offset>, as the list shows them');
const time = z.string().max(40).openapi({ description: 'an ISO time or an age: 30m, 1h, 24h, 7d' });
const listQuery = z.object({
  topic: z.string().max(200).optional().openapi({ description: 'the topic it was consumed from, exactly' }),
  reason: z.string().max(200).optional().openapi({ description: 'a part of the reason, any case' }),
  type: z.string().max(100).optional().openapi({ description: 'the event type' }),
  since: time.optional(),
  until: time.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50).openapi({ description: 'the newest this many' }),
});
const replayBody = z.object({ ids: z.array(dlId).min(1).max(100), dryRun: z.boolean().default(false) }).openapi('DeadLetterReplayRequest', { example: { ids: ['3:1204', '3:1207'], dryRun: true } });

const deadLetterSchema = z
  .object({
    id: z.string().openapi({ example: '3:1204' }),
    at: z.iso.datetime().openapi({ description: 'when it was dead-lettered' }),
    reason: z.string().nullable(),
    service: z.string().nullable().openapi({ description: 'the service that dead-lettered it' }),
    source: z.object({ topic: z.string(), partition: z.int(), offset: z.string() }).nullable(),
    eventType: z.string(),
    executionId: z.string().nullable(),
    replayedFrom: z.string().nullable().openapi({ description: 'the dead letter this one is a replay of' }),
    event: z.record(z.string(), z.unknown()).openapi({ description: 'the event, decoded and valid' }),
  })
  .openapi('DeadLetter');
const unfinishedSchema = z.array(z.object({ partition: z.int(), readTo: z.int(), end: z.int() })).openapi({ description: 'partitions not read to their end in time (DLQ_READ_TIMEOUT_MS): what they hold is not in this answer' });
const outcomeSchema = z
  .object({
    id: z.string(),
    status: z.enum(['replayed', 'would-replay', 'poison', 'unfit', 'unreplayable', 'handled', 'duplicate', 'replayed-before', 'waiting', 'failed']),
    eventType: z.string().nullable(),
    executionId: z.string().nullable(),
    to: z.object({ topic: z.string(), partition: z.int().optional(), offset: z.string().optional() }).optional(),
    notes: z.array(z.string()).optional(),
    why: z.string().optional(),
  })
  .openapi('DeadLetterReplayOutcome');

const tags = ['dead letters'];
const routes = {
  list: createRoute({
    method: 'get', path: '/dead-letters', tags, summary: "Dead letters whose event belongs to the caller's organisation, oldest first",
    description: 'Reads the dead-letter topic as it is now. Only messages that decode to a valid event of the caller\'s organisation are shown; bytes that decode to no event are for operators (`npm run dlq`).',
    request: { query: listQuery },
    responses: { 200: json(z.object({ success: z.literal(true), deadLetters: z.array(deadLetterSchema), matched: z.int().openapi({ description: 'how many matched before `limit`' }), unfinished: unfinishedSchema }), 'The dead letters'), ...errors(400, 429) },
  }),
  replay: createRoute({
    method: 'post', path: '/dead-letters/replay', tags, summary: "Send the organisation's dead letters back to their topics, each once, unless the work was done already",
    description: 'The checks of `npm run dlq -- replay`: a message whose work was already done is skipped (`handled`), poison is never sent, the same work twice is sent once, a replay still under way is not sent again. `dryRun` says what would happen and sends nothing. Ids that are not the organisation\'s dead letters are listed in `notFound`.',
    request: { body: body(replayBody) },
    responses: { 200: json(z.object({ success: z.literal(true), dryRun: z.boolean(), outcomes: z.array(outcomeSchema), notFound: z.array(z.string()), unfinished: unfinishedSchema }), 'What happened to each'), ...errors(400, 413, 415, 429) },
  }),
};

/** The dead letters an org may see: a valid event of its own. Undecodable bytes never reach an org. */
const ownedBy = (orgId: string) => (dl: DeadLetter) => dl.content.kind === 'event' && dl.content.event.orgId === orgId;

function view(dl: DeadLetter) {
  const event = dl.content.kind === 'event' ? dl.content.event : undefined;
  return {
    id: dl.id,
    at: new Date(dl.timestamp).toISOString(),
    reason: dl.reason ?? null,
    service: dl.service ?? null,
    source: dl.source ?? null,
    eventType: eventTypeOf(dl) ?? 'unknown',
    executionId: event?.executionId ?? null,
    replayedFrom: dl.replayedFrom ?? null,
    event: (event ?? {}) as Record<string, unknown>,
  };
}

function outcome(o: ReplayOutcome) {
  const base = { id: o.dl.id, status: o.status, eventType: eventTypeOf(o.dl) ?? null, executionId: o.dl.content.hints.executionId ?? null };
  if (o.status === 'replayed' || o.status === 'would-replay') return { ...base, to: o.to, notes: o.notes };
  return { ...base, why: o.why };
}

/**
 * The org's dead letters over HTTP, with the reading, checks and replay of the dead-letter tool
 * (@botwot/shared/dead-letters). Each call reads the topic with a throw-away consumer group, so a
 * replica runs one read at a time; the read limit of the org applies on top.
 */
export function deadLetterRoutes(deps: { deadLetters: DlqTool }) {
  const app = createRouter<AuthEnv>();
  let queue: Promise<unknown> = Promise.resolve();
  const oneAtATime = <T>(work: () => Promise<T>): Promise<T> => {
    const run = queue.then(work, work);
    queue = run.catch(() => undefined);
    return run;
  };

  app.openapi(routes.list, async (c) => {
    const q = c.req.valid('query');
    const now = Date.now();
    let filters: Filters;
    try {
      filters = {
        limit: q.limit,
        ...(q.topic ? { topic: q.topic } : {}),
        ...(q.reason ? { reason: q.reason } : {}),
        ...(q.type ? { type: q.type } : {}),
        ...(q.since ? { since: parseTime(q.since, now) } : {}),
        ...(q.until ? { until: parseTime(q.until, now) } : {}),
      };
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      throw new ApiError(400, 'VALIDATION_FAILED', 'invalid query', [{ field: q.since && !safeTime(q.since, now) ? 'since' : 'until', message: error.message }]);
    }
    const read = await oneAtATime(() => deps.deadLetters.list(filters, ownedBy(c.get('caller').orgId)));
    return c.json({ success: true as const, deadLetters: read.deadLetters.map(view), matched: read.matched, unfinished: read.unfinished }, 200);
  });

  app.openapi(routes.replay, async (c) => {
    const req = c.req.valid('json');
    const ids = [...new Set(req.ids)].map(parseDeadLetterId);
    const done = await oneAtATime(() => deps.deadLetters.replay({ ids, filters: {}, keep: ownedBy(c.get('caller').orgId) }, { dryRun: req.dryRun, force: false }));
    c.get('logger').info({ orgId: c.get('caller').orgId, dryRun: req.dryRun, outcomes: done.outcomes.map((o) => `${o.dl.id}:${o.status}`) }, 'dead letters replayed over the API');
    return c.json({ success: true as const, dryRun: req.dryRun, outcomes: done.outcomes.map(outcome), notFound: done.missing, unfinished: done.unfinished }, 200);
  });

  return app;
}

function safeTime(text: string, now: number): boolean {
  try {
    parseTime(text, now);
    return true;
  } catch {
    return false;
  }
}
