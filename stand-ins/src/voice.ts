/**
 * Voice service stand-in (BW_VOICE): POST /twilio/outbound-call {toNumber, agentId} → {success, callId}.
 * Call ids look like Twilio call SIDs ("CA" + 32 hex) and are deterministic (counter + number).
 * Honours an Idempotency-Key header (same key → same callId, one recorded call).
 */
import { createHash } from 'node:crypto';
import { apiError, IdempotencyStore, isObject, nonEmptyString, startHttpStandIn, type StandIn, type StandInRequest, type StandInResponse } from './http.js';

export interface VoiceCall {
  callId: string;
  toNumber: string;
  agentId: string;
  idempotencyKey?: string;
  at: string;
}

export interface VoiceOptions {
  port?: number;
  host?: string;
}

const PHONE = /^\+?[\d\s().-]{6,20}$/;

export async function startVoice(opts: VoiceOptions = {}): Promise<StandIn & { deliveries(): VoiceCall[] }> {
  let calls: VoiceCall[] = [];
  let counter = 0;
  const idem = new IdempotencyStore();

  const handler = (req: StandInRequest): StandInResponse => {
    if (req.method !== 'POST' || req.path !== '/twilio/outbound-call') {
      return apiError(404, `No route ${req.method} ${req.path}`, 'NotFound');
    }
    const b = req.body;
    if (!isObject(b)) return apiError(400, 'Request body must be a JSON object', 'InvalidRequest', 100);
    const missing = ['toNumber', 'agentId'].filter((f) => !nonEmptyString(b[f]) && typeof b[f] !== 'number');
    if (missing.length > 0) {
      return apiError(400, `Missing required field(s): ${missing.join(', ')}`, 'InvalidRequest', 100);
    }
    const toNumber = String(b.toNumber);
    if (!PHONE.test(toNumber)) return apiError(400, `Invalid phone number '${toNumber}'`, 'InvalidRequest', 21211);
    return idem.run(req, () => {
      counter += 1;
      const callId = `CA${createHash('sha256').update(`${counter}:${toNumber}`).digest('hex').slice(0, 32)}`;
      const key = req.headers['idempotency-key'];
      calls.push({
        callId, toNumber, agentId: String(b.agentId), at: new Date().toISOString(),
        ...(typeof key === 'string' ? { idempotencyKey: key } : {}),
      });
      return { status: 200, body: { success: true, callId, status: 'queued' } };
    });
  };

  const base = await startHttpStandIn({
    name: 'voice',
    ...opts,
    handler,
    deliveries: () => structuredClone(calls),
    onReset: () => {
      calls = [];
      counter = 0;
      idem.clear();
    },
  });
  return { ...base, deliveries: () => structuredClone(calls) };
}
