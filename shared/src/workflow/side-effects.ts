import { nodeRegistry, type SideEffectChannel } from '../nodes/index.js';

/** Something an action sends outside the engine: a message, an email, a call, a CRM write. */
export interface SideEffect {
  channel: SideEffectChannel;
  /** who or what receives it: a phone number, an address, a CRM */
  to: string;
  /** what is sent, in a line */
  summary: string;
}

const oneLine = (text: string, max = 200) => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

/**
 * What an action step sends, from its config after templating (as the runner renders it) and the
 * flat variables, as its node definition says (`sends`). Not an action, nothing. The bulk retry's
 * dry run shows it; the action-runner sends to the same `to`.
 */
export function sideEffectOf(key: string, config: unknown, vars: Record<string, unknown>): SideEffect | undefined {
  const sends = nodeRegistry.definition(key)?.sends;
  if (!sends) return undefined;
  return { channel: sends.channel, to: sends.to(config as never, vars) || '(no recipient)', summary: oneLine(sends.summary(config as never)) };
}
