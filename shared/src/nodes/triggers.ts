import { z } from 'zod';
import { defineTrigger } from './define-node.js';

const trigger = <T extends string>(subtype: T) => z.object({ triggerType: z.literal(subtype), channelId: z.string().max(200).optional() });
const CONFIG_DOC = '`triggerType`, `channelId?`';

/** The three triggers: each shapes what arrived into the fields workflows read (phone_number, message_text, ...). */
export const TRIGGER_NODES = {
  whatsapp: defineTrigger({
    category: 'trigger',
    subtype: 'whatsapp',
    config: trigger('whatsapp'),
    configDoc: CONFIG_DOC,
    outputs: ['phone_number', 'message_text', 'message_timestamp', 'message_id'],
    shape: (data, now) => ({
      phone_number: data.phone_number ?? null,
      message_text: data.message_text ?? '',
      message_timestamp: data.message_timestamp ?? now.toISOString(),
      message_id: data.message_id ?? null,
    }),
  }),
  email: defineTrigger({
    category: 'trigger',
    subtype: 'email',
    config: trigger('email'),
    configDoc: CONFIG_DOC,
    outputs: ['email_from', 'email_subject', 'email_body', 'email_timestamp'],
    shape: (data, now) => ({
      email_from: data.email_from ?? null,
      email_subject: data.email_subject ?? '',
      email_body: data.email_body ?? '',
      email_timestamp: data.email_timestamp ?? now.toISOString(),
    }),
  }),
  voice: defineTrigger({
    category: 'trigger',
    subtype: 'voice',
    config: trigger('voice'),
    configDoc: CONFIG_DOC,
    outputs: ['caller_number', 'call_duration', 'call_transcript'],
    shape: (data) => ({
      caller_number: data.caller_number ?? null,
      call_duration: data.call_duration ?? 0,
      call_transcript: data.call_transcript ?? '',
    }),
  }),
} as const;

export type TriggerType = keyof typeof TRIGGER_NODES;
export const TRIGGER_TYPES = Object.keys(TRIGGER_NODES) as [TriggerType, ...TriggerType[]];
