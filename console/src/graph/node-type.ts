import type { Step } from '../api/types.js';

const SUBTYPE_FIELD: Record<string, string> = { trigger: 'triggerType', agent: 'agentType', action: 'actionType', utility: 'utilityType' };

/** A step's node type as people say it: "agent · decision", "action · send_email". */
export function nodeTypeOf(step: Step): string {
  const field = SUBTYPE_FIELD[step.stepType];
  const sub = field ? step.config[field] : undefined;
  return typeof sub === 'string' && sub ? `${step.stepType} · ${sub}` : step.stepType;
}
