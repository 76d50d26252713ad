import type { TriggerType } from '../events/index.js';

/** Shapes trigger data into the fields the seed defines for each trigger type. */
export function shapeTriggerData(type: TriggerType, data: Record<string, unknown>, now: Date): Record<string, unknown> {
  switch (type) {
    case 'whatsapp':
      return {
        phone_number: data.phone_number ?? null,
        message_text: data.message_text ?? '',
        message_timestamp: data.message_timestamp ?? now.toISOString(),
        message_id: data.message_id ?? null,
      };
    case 'email':
      return {
        email_from: data.email_from ?? null,
        email_subject: data.email_subject ?? '',
        email_body: data.email_body ?? '',
        email_timestamp: data.email_timestamp ?? now.toISOString(),
      };
    case 'voice':
      return {
        caller_number: data.caller_number ?? null,
        call_duration: data.call_duration ?? 0,
        call_transcript: data.call_transcript ?? '',
      };
    default: {
      const never: never = type;
      throw new Error(`unknown trigger type ${String(never)}`);
    }
  }
}
