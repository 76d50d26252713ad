import { nonRetryable } from '@botwot/shared/errors';
import type { JsonClient } from '@botwot/shared/http';
import type { NodeExecutor } from '@botwot/shared/runner';

/** initiate_call: the Voice service's outbound call. */
export function createInitiateCall(deps: { voice: JsonClient }): NodeExecutor<'action/initiate_call'> {
  return async ({ config, idempotencyKey, mode, signal, orgId }) => {
    const body = { toNumber: config.phoneNumber, agentId: config.voiceAgent };
    if (mode === 'test') return { call_initiated: false, simulated: true, would_send: { channel: 'voice', ...body } };
    const res = await deps.voice.post(['twilio', 'outbound-call'], body, { orgId, headers: { 'idempotency-key': idempotencyKey }, signal });
    const callId = res.callId ?? res.call_id ?? res.sid;
    if (typeof callId !== 'string') throw nonRetryable('BAD_RESPONSE', 'voice answered without a callId', 'voice');
    return { call_initiated: true, call_id: callId };
  };
}
