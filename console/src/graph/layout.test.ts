import { describe, expect, it } from 'vitest';
import type { Step } from '../api/types.js';
import { conditionLabel } from './edges.js';
import { layoutGraph } from './layout.js';

const step = (stepId: string, stepType: string, more: Partial<Step> = {}): Step => ({ stepId, stepType, config: {}, ...more });

// a decision agent routing to three actions, listed out of order on purpose
const loan: Step[] = [
  step('review', 'action'),
  step('decide', 'agent', {
    routes: [
      { when: { field: 'decision', equals: 'Approve' }, nextStepId: 'approved' },
      { when: { field: 'decision', equals: 'Reject' }, nextStepId: 'rejected' },
    ],
    nextStepId: 'review',
    onFailureStepId: 'apologise',
  }),
  step('trigger', 'trigger', { nextStepId: 'decide' }),
  step('approved', 'action'),
  step('rejected', 'action'),
  step('apologise', 'action'),
];

describe('layoutGraph', () => {
  it('puts the trigger first and each branch one column right of its step, labelled', () => {
    const g = layoutGraph(loan);
    const layer = Object.fromEntries(g.nodes.map((n) => [n.id, n.layer]));
    expect(layer).toEqual({ trigger: 0, decide: 1, approved: 2, rejected: 2, review: 2, apologise: 2 });
    expect(g.edges.filter((e) => e.from === 'decide').map((e) => [e.to, e.kind, e.label])).toEqual([
      ['approved', 'route', 'decision = Approve'],
      ['rejected', 'route', 'decision = Reject'],
      ['review', 'next', 'otherwise'],
      ['apologise', 'failure', 'on failure'],
    ]);
    // no two nodes overlap
    const boxes = g.nodes.map((n) => `${n.x},${n.y}`);
    expect(new Set(boxes).size).toBe(boxes.length);
    for (const n of g.nodes) {
      expect(n.x + 184).toBeLessThanOrEqual(g.width);
      expect(n.y + 58).toBeLessThanOrEqual(g.height);
    }
  });

  it('lays out a join after its furthest predecessor', () => {
    const g = layoutGraph([step('t', 'trigger', { nextStepId: 'a', routes: [{ when: { field: 'x', exists: true }, nextStepId: 'b' }] }), step('a', 'utility', { nextStepId: 'b' }), step('b', 'action')]);
    expect(g.nodes.find((n) => n.id === 'b')?.layer).toBe(2);
  });

  it('survives drafts: cycles, unreachable steps and missing targets', () => {
    const g = layoutGraph([step('t', 'trigger', { nextStepId: 'a' }), step('a', 'agent', { nextStepId: 'b' }), step('b', 'agent', { nextStepId: 'a', onFailureStepId: 'ghost' }), step('lonely', 'action')]);
    expect(g.nodes.map((n) => n.id).sort()).toEqual(['a', 'b', 'ghost', 'lonely', 't']);
    expect(g.nodes.find((n) => n.id === 'ghost')?.step).toBeUndefined();
    expect(g.edges.find((e) => e.from === 'b' && e.to === 'a')?.back).toBe(true);
    expect(g.edges.filter((e) => e.back)).toHaveLength(1);
  });

  it('draws nothing for no steps', () => {
    expect(layoutGraph([]).nodes).toEqual([]);
  });
});

describe('conditionLabel', () => {
  it('writes each operator', () => {
    expect(conditionLabel({ field: 'd', notEquals: 'x' })).toBe('d ≠ x');
    expect(conditionLabel({ field: 'r', in: ['high', 2, true] })).toBe('r in high, 2, true');
    expect(conditionLabel({ field: 'e', exists: false })).toBe('no e');
  });
});
