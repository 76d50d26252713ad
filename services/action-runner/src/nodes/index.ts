import type { ChannelOwners } from '@botwot/shared/db';
import type { BreakerPool, JsonClient } from '@botwot/shared/http';
import type { NodeExecutors } from '@botwot/shared/runner';
import type { Transporter } from 'nodemailer';
import { createInitiateCall } from './initiate-call.js';
import { createSendEmail } from './send-email.js';
import { createSendWhatsApp } from './send-whatsapp.js';
import { createUpdateCrm, type CrmDeps } from './update-crm.js';

export interface ActionNodeDeps {
  whatsapp: { client: JsonClient; token: string; phoneNumberId: string };
  email: { transport: Transporter; breakers: BreakerPool; defaultFrom: string };
  voice: JsonClient;
  crm: CrmDeps;
  /** the channel registry: which org each sender belongs to */
  owners: ChannelOwners;
}

/** The four actions. In test mode each one says what it would send and sends nothing. */
export function createActionNodes(deps: ActionNodeDeps): NodeExecutors {
  return {
    'action/send_whatsapp': createSendWhatsApp({ whatsapp: deps.whatsapp.client, token: deps.whatsapp.token, phoneNumberId: deps.whatsapp.phoneNumberId, owners: deps.owners }),
    'action/send_email': createSendEmail({ ...deps.email, owners: deps.owners }),
    'action/initiate_call': createInitiateCall({ voice: deps.voice }),
    'action/update_crm': createUpdateCrm(deps.crm),
  };
}
