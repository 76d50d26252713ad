import { z } from 'zod';
import { defineNode } from './define-node.js';

const text = z.string().max(20_000);
const nonEmpty = z.string().min(1).max(20_000);

/** A step's CRM fields may come as a JSON string: parse it before templating, so values cannot break the JSON. */
function parseJsonObject(s: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(s);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Who a send_whatsapp step writes to: the number that wrote in, or its custom recipient; '' when neither. */
export function whatsappRecipient(c: { recipient: 'trigger' | 'custom'; customRecipient?: string }, vars: Record<string, unknown>): string {
  return String((c.recipient === 'custom' ? c.customRecipient : vars.phone_number) ?? '');
}

/** The four actions: the only steps with effects outside the engine. */
export const ACTION_NODES = {
  send_whatsapp: defineNode({
    category: 'action',
    subtype: 'send_whatsapp',
    config: z
      .object({
        actionType: z.literal('send_whatsapp'),
        messageTemplate: nonEmpty,
        /** `trigger` answers the number that wrote in; `custom` sends to customRecipient */
        recipient: z.enum(['trigger', 'custom']).default('trigger'),
        customRecipient: z.string().max(100).optional(),
        /** the WhatsApp Business phone number id to send from: one of the org's; defaults to the platform's */
        phoneNumberId: z.string().max(100).optional(),
      })
      .refine((c) => c.recipient !== 'custom' || !!c.customRecipient, { message: 'customRecipient is required when recipient is "custom"', path: ['customRecipient'] }),
    configDoc: '`actionType`, `messageTemplate`, `recipient` (`trigger`\\|`custom`), `customRecipient?`, `phoneNumberId?`',
    outputs: ['message_sent', 'message_id', 'status', 'recipient'],
    sends: {
      channel: 'whatsapp',
      to: whatsappRecipient,
      summary: (c) => c.messageTemplate,
    },
  }),
  send_email: defineNode({
    category: 'action',
    subtype: 'send_email',
    config: z.object({ actionType: z.literal('send_email'), to: nonEmpty, subject: nonEmpty, body: text, from: z.string().max(300).optional() }),
    configDoc: '`to`, `subject`, `body`, `from?`',
    outputs: ['email_sent', 'email_id', 'accepted'],
    sends: { channel: 'email', to: (c) => c.to, summary: (c) => `${c.subject}: ${c.body}` },
  }),
  initiate_call: defineNode({
    category: 'action',
    subtype: 'initiate_call',
    config: z.object({ actionType: z.literal('initiate_call'), phoneNumber: nonEmpty, voiceAgent: nonEmpty }),
    configDoc: '`phoneNumber`, `voiceAgent`',
    outputs: ['call_initiated', 'call_id'],
    sends: { channel: 'call', to: (c) => c.phoneNumber, summary: (c) => `call with voice agent ${c.voiceAgent}` },
  }),
  update_crm: defineNode({
    category: 'action',
    subtype: 'update_crm',
    config: z
      .object({
        actionType: z.literal('update_crm'),
        /** a CRM configured on the action-runner (CRM_ENDPOINTS), or any name when `endpoint` is given */
        crmSystem: z.string().min(1).max(100),
        action: z.enum(['create', 'update']),
        /** field → template: an object, or a JSON string of one */
        fields: z.union([z.record(z.string(), z.unknown()), z.string().transform(parseJsonObject)]),
        recordId: z.string().max(200).optional(),
        object: z.string().max(100).optional(),
        /** a CRM base URL; must pass the runner's outbound policy (no query or fragment: paths are appended to it) */
        endpoint: z
          .url()
          .refine((u) => !/[?#]/.test(u), 'a base URL has no query (?) or fragment (#)')
          .optional(),
      })
      .refine((c) => c.action !== 'update' || !!c.recordId, { message: 'recordId is required to update', path: ['recordId'] })
      .refine((c) => c.fields !== null, { message: 'fields must be an object or a JSON object string', path: ['fields'] }),
    configDoc: '`crmSystem`, `action` (`create`\\|`update`), `fields` (object or JSON string), `recordId?`, `object?`, `endpoint?`',
    outputs: ['crm_updated', 'crm_system', 'action', 'record_id'],
    sends: {
      channel: 'crm',
      to: (c) => `${c.crmSystem}${c.recordId ? ` record ${c.recordId}` : ''}`,
      summary: (c) => `${c.action === 'create' ? `create ${c.object ?? 'contact'}` : 'update'} ${JSON.stringify(c.fields)}`,
    },
  }),
} as const;

export type ActionType = keyof typeof ACTION_NODES;
export const ACTION_TYPES = Object.keys(ACTION_NODES) as [ActionType, ...ActionType[]];
