import type { NodeExecutors } from '@botwot/shared/runner';
import type { Guarded, JsonClient } from '@botwot/shared/http';
import type { Transporter } from 'nodemailer';
import { createInitiateCall } from './initiate-call.js';
import { createSendEmail } from './send-email.js';
import { createSendWhatsApp } from './send-whatsapp.js';
import { createUpdateCrm, type CrmDeps } from './update-crm.js';

export interface ActionNodeDeps {
  whatsapp: { client: JsonClient; token: string; phoneNumberId: string };
  email: { transport: Transporter; guard: Guarded; defaultFrom: string };
  voice: JsonClient;
  crm: CrmDeps;
}

/** The four actions. In test mode each one says what it would send and sends nothing. */
export function createActionNodes(deps: ActionNodeDeps): NodeExecutors {
  return {
    'action/send_whatsapp': createSendWhatsApp({ whatsapp: deps.whatsapp.client, token: deps.whatsapp.token, phoneNumberId: deps.whatsapp.phoneNumberId }),
    'action/send_email': createSendEmail(deps.email),
    'action/initiate_call': createInitiateCall({ voice: deps.voice }),
    'action/update_crm': createUpdateCrm(deps.crm),
  };
}
