import type { ChannelOwners } from '@botwot/shared/db';
import { normaliseSender, SENDER_KINDS, type SenderKind } from '@botwot/shared/workflow';
import { Hono } from 'hono';
import { z } from 'zod';
import type { AuthEnv } from '../auth.js';
import { ApiError, notFound } from '../errors.js';
import { MAX_CHANNELS_PER_ORG, type ChannelStore } from '../stores/channel-store.js';
import { valid } from '../validation.js';

const registerBody = z
  .object({
    kind: z.enum(SENDER_KINDS),
    value: z.string().min(1).max(320),
    label: z.string().trim().min(1).max(200).optional(),
  })
  .strict();

/** Bad input is a 400 naming `value`; the registry only ever holds normalised senders. */
function normalised(kind: SenderKind, raw: string): string {
  const n = normaliseSender(kind, raw);
  if (!n.ok) throw new ApiError(400, 'VALIDATION_FAILED', 'invalid body', [{ field: 'value', message: n.reason }]);
  return n.value;
}

/**
 * The org's channel registry: the WhatsApp phone number ids and email senders its workflows may
 * send from. `GET /channels`, `POST /channels { kind, value, label? }`, `DELETE /channels/:kind/:value`.
 */
export function channelRoutes(deps: { channels: ChannelStore; owners: ChannelOwners }) {
  const app = new Hono<AuthEnv>();

  app.get('/', async (c) => c.json({ success: true, channels: await deps.channels.list(c.get('caller').orgId) }));

  app.post('/', valid('json', registerBody), async (c) => {
    const { orgId, userId } = c.get('caller');
    const body = c.req.valid('json');
    const value = normalised(body.kind, body.value);
    const result = await deps.channels.register({ orgId, userId, kind: body.kind, value, label: body.label });
    if (result === 'taken') throw new ApiError(409, 'CHANNEL_UNAVAILABLE', `this ${body.kind} sender is registered to another organisation`);
    if (result === 'full') throw new ApiError(409, 'CHANNEL_LIMIT', `an organisation may register at most ${MAX_CHANNELS_PER_ORG} channels`);
    deps.owners.forget(body.kind, value);
    return c.json({ success: true, channel: result.channel, created: result.created }, result.created ? 201 : 200);
  });

  app.delete('/:kind/:value', async (c) => {
    const kind = z.enum(SENDER_KINDS).safeParse(c.req.param('kind'));
    if (!kind.success) throw notFound('channel');
    const n = normaliseSender(kind.data, c.req.param('value'));
    if (!n.ok) throw notFound('channel');
    const removed = await deps.channels.remove(c.get('caller').orgId, kind.data, n.value);
    if (!removed) throw notFound('channel');
    deps.owners.forget(kind.data, n.value);
    return c.json({ success: true, removed });
  });

  return app;
}
