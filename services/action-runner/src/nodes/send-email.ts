import { untilAborted } from '@botwot/shared/async';
import type { ChannelOwners } from '@botwot/shared/db';
import { nonRetryable, retryable, stepTimeout, type StepError } from '@botwot/shared/errors';
import type { BreakerPool } from '@botwot/shared/http';
import type { NodeExecutor } from '@botwot/shared/runner';
import type { Transporter } from 'nodemailer';
import { requireOwnSender } from './sender.js';

/** SMTP replies: 4xx is "try later", 5xx is final; no reply at all is a connection problem. */
function smtpError(error: unknown): StepError {
  const e = error as { responseCode?: number; code?: string; message?: string };
  const message = `smtp: ${e.message ?? String(error)}`;
  if (typeof e.responseCode === 'number' && e.responseCode >= 500) return nonRetryable(`SMTP_${e.responseCode}`, message, 'smtp');
  if (typeof e.responseCode === 'number') return retryable(`SMTP_${e.responseCode}`, message, 'smtp');
  if (e.code === 'EENVELOPE' || e.code === 'EMESSAGE') return nonRetryable(e.code, message, 'smtp');
  return retryable(e.code ?? 'SMTP_CONNECTION', message, 'smtp', error);
}

/** send_email: real SMTP through nodemailer, from the org's own sender or the platform's; the Message-ID is derived from the idempotency key. */
export function createSendEmail(deps: { transport: Transporter; breakers: BreakerPool; defaultFrom: string; owners: ChannelOwners }): NodeExecutor<'action/send_email'> {
  return async ({ config, idempotencyKey, mode, orgId, signal }) => {
    if (config.from !== undefined) await requireOwnSender(deps.owners, { orgId, provider: 'smtp' }, 'email', config.from);
    const messageId = `<${idempotencyKey.replace(/[^A-Za-z0-9.:_-]/g, '_')}@botwot.engine>`;
    const mail = { from: config.from ?? deps.defaultFrom, to: config.to, subject: config.subject, text: config.body };
    if (mode === 'test') return { email_sent: false, simulated: true, would_send: { channel: 'email', ...mail } };
    const info = await deps.breakers.guard('smtp', orgId).run(async () => {
      try {
        // nodemailer takes no signal: stop waiting at the step's deadline (the step then times out)
        return await untilAborted(deps.transport.sendMail({ ...mail, messageId, headers: { 'X-Idempotency-Key': idempotencyKey } }), signal);
      } catch (error) {
        if (signal.aborted) throw stepTimeout();
        throw smtpError(error);
      }
    });
    if (info.accepted.length === 0) throw nonRetryable('SMTP_REJECTED', `smtp accepted none of ${config.to}`, 'smtp');
    return { email_sent: true, email_id: info.messageId, accepted: info.accepted.map(String) };
  };
}
