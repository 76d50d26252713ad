/**
 * WhatsApp Business Cloud API stand-in: POST /:version/:phoneNumberId/messages (version optional),
 * Bearer token auth, Graph API error shape, text messages, Idempotency-Key dedupe.
 */
import { createHash } from 'node:crypto';
import {
  apiError, bearerToken, header, IdempotencyStore, isObject, nonEmptyString, startHttpStandIn,
  type StandIn, type StandInRequest, type StandInResponse,
} from './http.js';

export const DEFAULT_WHATSAPP_TOKEN = 'whatsapp-test-token';

export interface WhatsAppDelivery {
  messageId: string;
  phoneNumberId: string;
  apiVersion?: string;
  to: string;
  waId: string;
  type: 'text';
  text: string;
  previewUrl?: boolean;
  idempotencyKey?: string;
  at: string;
}

export interface WhatsAppOptions {
  port?: number;
  host?: string;
  /** Expected bearer token (default DEFAULT_WHATSAPP_TOKEN). */
  token?: string;
}

export type WhatsAppStandIn = StandIn & { readonly token: string; deliveries(): WhatsAppDelivery[] };

const ROUTE = /^\/(?:(v\d+(?:\.\d+)?)\/)?([^/]+)\/messages\/?$/;
const MAX_TEXT = 4096;

const graphError = (status: number, message: string, code: number, type = 'OAuthException'): StandInResponse => {
  const r = apiError(status, message, type, code);
  (r.body as { error: Record<string, unknown> }).error.fbtrace_id = 'StandInTrace';
  return r;
};

function validate(body: unknown): string | undefined {
  if (!isObject(body)) return '(#100) The request body must be a JSON object';
  if (body.messaging_product !== 'whatsapp') return '(#100) The parameter messaging_product is required and must be "whatsapp"';
  if (!nonEmptyString(body.to)) return '(#100) The parameter to is required';
  if (!/\d{5,}/.test(body.to.replace(/\D/g, ''))) return `(#100) Invalid parameter to: '${body.to}'`;
  const type = body.type ?? 'text';
  if (type !== 'text') return `(#100) Param type must be 'text' in this stand-in, got '${String(type)}'`;
  if (!isObject(body.text) || !nonEmptyString(body.text.body)) return '(#100) The parameter text.body is required';
  if (body.text.body.length > MAX_TEXT) return `(#100) Param text.body must be at most ${MAX_TEXT} characters long`;
  return undefined;
}

export async function startWhatsApp(opts: WhatsAppOptions = {}): Promise<WhatsAppStandIn> {
  const token = opts.token ?? DEFAULT_WHATSAPP_TOKEN;
  let deliveries: WhatsAppDelivery[] = [];
  let counter = 0;
  const idem = new IdempotencyStore();

  const handler = (req: StandInRequest): StandInResponse => {
    const m = ROUTE.exec(req.path);
    if (!m) return graphError(404, `Unknown path components: ${req.path}`, 2500);
    if (req.method !== 'POST') return graphError(405, `Unsupported ${req.method} request`, 100);
    const presented = bearerToken(req);
    if (presented === undefined) return graphError(401, 'An access token is required to request this resource.', 104);
    if (presented !== token) return graphError(401, 'Invalid OAuth access token - Cannot parse access token', 190);
    const problem = validate(req.body);
    if (problem) return graphError(400, problem, 100);
    const body = req.body as { to: string; text: { body: string; preview_url?: unknown } };
    const [, apiVersion, phoneNumberId = ''] = m;

    return idem.run(req, () => {
      counter += 1;
      const waId = body.to.replace(/\D/g, '');
      const digest = createHash('sha256').update(`${phoneNumberId}:${waId}:${counter}`).digest('base64');
      const messageId = `wamid.HBgL${waId}${digest.replace(/[^A-Za-z0-9]/g, '').slice(0, 32).toUpperCase()}`;
      const key = header(req, 'idempotency-key');
      deliveries.push({
        messageId, phoneNumberId, to: body.to, waId, type: 'text', text: body.text.body, at: new Date().toISOString(),
        ...(apiVersion ? { apiVersion } : {}),
        ...(typeof body.text.preview_url === 'boolean' ? { previewUrl: body.text.preview_url } : {}),
        ...(key ? { idempotencyKey: key } : {}),
      });
      return {
        status: 200,
        body: { messaging_product: 'whatsapp', contacts: [{ input: body.to, wa_id: waId }], messages: [{ id: messageId }] },
      };
    });
  };

  const base = await startHttpStandIn({
    name: 'whatsapp',
    ...opts,
    handler,
    deliveries: () => structuredClone(deliveries),
    onReset: () => {
      deliveries = [];
      counter = 0;
      idem.clear();
    },
  });
  return { ...base, token, deliveries: () => structuredClone(deliveries) };
}
