import type { StepDefinition } from '../events/index.js';
import { nodeRegistry } from '../nodes/registry.js';
import type { ValidationIssue } from './validate-workflow.js';

/** The kinds of sender an org registers: WhatsApp phone number ids and email addresses. */
export const SENDER_KINDS = ['whatsapp', 'email'] as const;
export type SenderKind = (typeof SENDER_KINDS)[number];

export interface NamedSender {
  stepId: string;
  kind: SenderKind;
  /** the normalised value: the phone number id, or the lower-cased email address */
  value: string;
}

const PHONE_NUMBER_ID = /^[0-9]{1,30}$/;
const ADDRESS = /^[^\s@<>"(),;:\\[\]]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)+$/;

/** The registry's form of a sender, or why it is not one. */
export function normaliseSender(kind: SenderKind, raw: string): { ok: true; value: string } | { ok: false; reason: string } {
  if (kind === 'whatsapp') {
    return PHONE_NUMBER_ID.test(raw) ? { ok: true, value: raw } : { ok: false, reason: 'a WhatsApp phone number id is 1–30 digits' };
  }
  const address = emailAddressOf(raw);
  return address ? { ok: true, value: address } : { ok: false, reason: 'an email sender is an address (name@example.com), optionally as "Name <name@example.com>"' };
}

/** The address of `name@host` or `Display Name <name@host>`, lower-cased; undefined when it is neither. */
export function emailAddressOf(from: string): string | undefined {
  if (from.length > 320 || /[\r\n\0]/.test(from)) return undefined;
  const angled = /^\s*(?:"[^"]*"|[^<>"]*)\s*<([^<>]+)>\s*$/.exec(from);
  const address = (angled ? angled[1] : from.trim()) ?? '';
  return address.length <= 254 && ADDRESS.test(address) ? address.toLowerCase() : undefined;
}

/** `${kind}:${value}`: the registry's `_id` of a sender. */
export const senderKey = (kind: SenderKind, value: string) => `${kind}:${value}`;

/**
 * The senders steps name explicitly. A step that names none sends from the platform's default
 * sender; one that names a sender must name it as written (no template), so it can be checked
 * before anything runs. Steps whose config is invalid are left to validateWorkflow.
 */
export function sendersNamedBy(steps: StepDefinition[]): { senders: NamedSender[]; problems: ValidationIssue[] } {
  const senders: NamedSender[] = [];
  const problems: ValidationIssue[] = [];
  for (const step of steps) {
    const parsed = nodeRegistry.parse(step);
    if (!parsed.ok) continue;
    const named =
      parsed.key === 'action/send_whatsapp'
        ? { kind: 'whatsapp' as const, raw: (parsed.config as { phoneNumberId?: string }).phoneNumberId, field: 'phoneNumberId' }
        : parsed.key === 'action/send_email'
          ? { kind: 'email' as const, raw: (parsed.config as { from?: string }).from, field: 'from' }
          : undefined;
    if (!named || named.raw === undefined) continue;
    const normal = normaliseSender(named.kind, named.raw);
    if (!normal.ok) problems.push({ stepId: step.stepId, message: `Step ${step.stepId}: config.${named.field} must be written out: ${normal.reason}` });
    else senders.push({ stepId: step.stepId, kind: named.kind, value: normal.value });
  }
  return { senders, problems };
}

/** The validation issue of a step that names a sender its org has not registered. */
export function unknownSenderIssue(sender: NamedSender): ValidationIssue {
  const what = sender.kind === 'whatsapp' ? `WhatsApp phone number id ${sender.value}` : `email sender ${sender.value}`;
  return { stepId: sender.stepId, message: `Step ${sender.stepId} sends from ${what}, which is not registered to this organisation (register it with POST /channels)` };
}
