import { describe, expect, it } from 'vitest';
import { parseDecision } from './parse-decision.js';

describe('parseDecision', () => {
  it('reads an explicit decision and its confidence', () => {
    expect(parseDecision('Decision: Approve (confidence 0.92). Meets the criteria.')).toEqual({ decision: 'Approve', confidence: 0.92 });
    expect(parseDecision('decision - reject, confidence: 81%')).toEqual({ decision: 'Reject', confidence: 0.81 });
  });

  it('does not take a negated word for the decision', () => {
    expect(parseDecision('I cannot approve this request. Decision: Reject (confidence 0.88).').decision).toBe('Reject');
    expect(parseDecision('I cannot approve this request; it is rejected.').decision).toBe('Reject');
    expect(parseDecision('I see no reason to reject this, so I approve it.').decision).toBe('Approve');
  });

  it('falls back to Review with low confidence when unclear or contradictory', () => {
    expect(parseDecision('The weather is nice.')).toEqual({ decision: 'Review', confidence: 0.5 });
    expect(parseDecision('Some would approve. Others reject.')).toEqual({ decision: 'Review', confidence: 0.5 });
  });
});
