import type { NodeConfig, NodeKey } from './node-config.js';

/** Something an action sends outside the engine: a message, an email, a call, a CRM write. */
export interface SideEffect {
  channel: 'whatsapp' | 'email' | 'call' | 'crm';
  /** who or what receives it: a phone number, an address, a CRM */
  to: string;
  /** what is sent, in a line */
  summary: string;
}

/** Who a send_whatsapp step writes to: the number that wrote in, or its custom recipient. The action-runner sends to this. */
export function whatsappRecipient(config: Pick<NodeConfig<'action/send_whatsapp'>, 'recipient' | 'customRecipient'>, vars: Record<string, unknown>): unknown {
  return config.recipient === 'custom' ? config.customRecipient : vars.phone_number;
}

const oneLine = (text: string, max = 200) => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

/**
 * What an action step sends, from its config after templating (as the runner renders it) and the
 * flat variables. Not an action, nothing. Used by the bulk retry's dry run to show what a retry
 * would send again; the action-runner sends from the same rendered config.
 */
export function sideEffectOf(key: NodeKey, config: unknown, vars: Record<string, unknown>): SideEffect | undefined {
  switch (key) {
    case 'action/send_whatsapp': {
      const c = config as NodeConfig<'action/send_whatsapp'>;
      const to = whatsappRecipient(c, vars);
      return { channel: 'whatsapp', to: typeof to === 'string' ? to : '(no recipient)', summary: oneLine(c.messageTemplate) };
    }
    case 'action/send_email': {
      const c = config as NodeConfig<'action/send_email'>;
      return { channel: 'email', to: c.to, summary: oneLine(`${c.subject}: ${c.body}`) };
    }
    case 'action/initiate_call': {
      const c = config as NodeConfig<'action/initiate_call'>;
      return { channel: 'call', to: c.phoneNumber, summary: `call with voice agent ${c.voiceAgent}` };
    }
    case 'action/update_crm': {
      const c = config as NodeConfig<'action/update_crm'>;
      const target = c.action === 'create' ? `create ${c.object ?? 'contact'}` : `update record ${c.recordId ?? ''}`;
      return { channel: 'crm', to: c.crmSystem, summary: oneLine(`${target} ${JSON.stringify(c.fields)}`) };
    }
    default:
      return undefined;
  }
}
