import type { ChannelOwners } from '@botwot/shared/db';
import { nonRetryable } from '@botwot/shared/errors';
import type { JsonClient } from '@botwot/shared/http';
import type { NodeExecutor } from '@botwot/shared/runner';
import { whatsappRecipient } from '@botwot/shared/nodes';
import { requireOwnSender } from './sender.js';

/** send_whatsapp: a text message through the WhatsApp Business Cloud API, from the org's own number or the platform's. */
export function createSendWhatsApp(deps: { whatsapp: JsonClient; token: string; phoneNumberId: string; owners: ChannelOwners }): NodeExecutor<'action/send_whatsapp'> {
  return async ({ config, scope, idempotencyKey, mode, signal, orgId }) => {
    const to = whatsappRecipient(config, scope.vars);
    if (to.trim() === '') throw nonRetryable('NO_RECIPIENT', 'no recipient: the trigger has no phone_number and no customRecipient is set', 'whatsapp');
    if (config.phoneNumberId !== undefined) await requireOwnSender(deps.owners, { orgId, provider: 'whatsapp' }, 'whatsapp', config.phoneNumberId);
    const phoneNumberId = config.phoneNumberId ?? deps.phoneNumberId;
    const body = { messaging_product: 'whatsapp', recipient_type: 'individual', to, type: 'text', text: { preview_url: false, body: config.messageTemplate } };
    if (mode === 'test') return { message_sent: false, simulated: true, would_send: { channel: 'whatsapp', from: phoneNumberId, to, text: config.messageTemplate } };
    const res = await deps.whatsapp.post([phoneNumberId, 'messages'], body, {
      orgId,
      headers: { authorization: `Bearer ${deps.token}`, 'idempotency-key': idempotencyKey },
      signal,
    });
    const messages = res.messages as { id?: string }[] | undefined;
    const messageId = messages?.[0]?.id;
    if (!messageId) throw nonRetryable('BAD_RESPONSE', 'whatsapp answered without a message id', 'whatsapp');
    return { message_sent: true, message_id: messageId, status: 'sent', recipient: to };
  };
}
