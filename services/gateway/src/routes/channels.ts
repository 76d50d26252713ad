import type { ChannelOwners } from '@botwot/shared/db';
import { normaliseSender, SENDER_KINDS, type SenderKind } from '@botwot/shared/workflow';
import { createRoute, z } from '@hono/zod-openapi';
import { asWire, body, createRouter, errors, json } from '../api/openapi.js';
import { channelSchema } from '../api/schemas.js';
import type { AuthEnv } from '../auth.js';
import { ApiError, notFound } from '../errors.js';
import { MAX_CHANNELS_PER_ORG, type ChannelStore } from '../stores/channel-store.js';

const registerBody = z
  .object({
    kind: z.enum(SENDER_KINDS),
    value: z.string().min(1).max(320),
    label: z.string().trim().min(1).max(200).optional(),
  })
  .strict();

const tags = ['channels'];
const routes = {
  list: createRoute({
    method: 'get', path: '/', tags, summary: "The organisation's registered senders",
    responses: { 200: json(z.object({ success: z.literal(true), channels: z.array(channelSchema) }), 'The senders'), ...errors(429) },
  }),
  register: createRoute({
    method: 'post', path: '/', tags, summary: 'Register a sender (a WhatsApp phone number id or an email address) for the organisation',
    request: { body: body(registerBody) },
    responses: {
      201: json(z.object({ success: z.literal(true), channel: channelSchema, created: z.literal(true) }), 'Registered'),
      200: json(z.object({ success: z.literal(true), channel: channelSchema, created: z.literal(false) }), 'The organisation had it already'),
      ...errors(400, 409, 413, 415, 429),
    },
  }),
  remove: createRoute({
    method: 'delete', path: '/{kind}/{value}', tags, summary: 'Remove a sender',
    request: { params: z.object({ kind: z.string().openapi({ example: 'email' }), value: z.string().openapi({ example: 'sales@example.com' }) }) },
    responses: { 200: json(z.object({ success: z.literal(true), removed: channelSchema }), 'Removed'), ...errors(404, 429) },
  }),
};

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
  const app = createRouter<AuthEnv>();

  app.openapi(routes.list, async (c) => c.json({ success: true as const, channels: asWire(z.array(channelSchema), await deps.channels.list(c.get('caller').orgId)) }, 200));

  app.openapi(routes.register, async (c) => {
    const { orgId, userId } = c.get('caller');
    const body = c.req.valid('json');
    const value = normalised(body.kind, body.value);
    const result = await deps.channels.register({ orgId, userId, kind: body.kind, value, label: body.label });
    if (result === 'taken') throw new ApiError(409, 'CHANNEL_UNAVAILABLE', `this ${body.kind} sender is registered to another organisation`);
    if (result === 'full') throw new ApiError(409, 'CHANNEL_LIMIT', `an organisation may register at most ${MAX_CHANNELS_PER_ORG} channels`);
    deps.owners.forget(body.kind, value);
    const channel = asWire(channelSchema, result.channel);
    return result.created ? c.json({ success: true as const, channel, created: true as const }, 201) : c.json({ success: true as const, channel, created: false as const }, 200);
  });

  app.openapi(routes.remove, async (c) => {
    const kind = z.enum(SENDER_KINDS).safeParse(c.req.param('kind'));
    if (!kind.success) throw notFound('channel');
    const n = normaliseSender(kind.data, c.req.param('value'));
    if (!n.ok) throw notFound('channel');
    const removed = await deps.channels.remove(c.get('caller').orgId, kind.data, n.value);
    if (!removed) throw notFound('channel');
    deps.owners.forget(kind.data, n.value);
    return c.json({ success: true as const, removed: asWire(channelSchema, removed) }, 200);
  });

  return app;
}
