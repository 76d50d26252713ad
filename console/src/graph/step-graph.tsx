import type { Step } from '../api/types.js';
import { layoutGraph, NODE_H, NODE_W, type PlacedNode } from './layout.js';
import { nodeTypeOf } from './node-type.js';

export interface StepGraphProps {
  steps: Step[];
  /** validation errors by the step they name */
  errorsByStep: Map<string, string[]>;
  selected: string | undefined;
  onSelect: (stepId: string) => void;
}

function clip(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}

function describe(node: PlacedNode, errors: string[], steps: Step[]): string {
  if (!node.step) return `${node.id}: missing step, named as a target but not defined`;
  const incoming = steps.filter((s) => s.nextStepId === node.id || s.onFailureStepId === node.id || s.routes?.some((r) => r.nextStepId === node.id)).map((s) => s.stepId);
  const parts = [`${node.id}, ${nodeTypeOf(node.step)}`];
  if (incoming.length) parts.push(`after ${incoming.join(', ')}`);
  if (errors.length) parts.push(`${errors.length} validation error${errors.length > 1 ? 's' : ''}: ${errors.join('; ')}`);
  return parts.join('. ');
}

/**
 * The workflow drawn as a graph: trigger → steps → branches, failure routes dashed. Each step is a
 * focusable button (Tab to it, Enter or Space to open its details); steps with validation errors are
 * outlined with the count of their errors.
 */
export function StepGraph({ steps, errorsByStep, selected, onSelect }: StepGraphProps) {
  const g = layoutGraph(steps);
  return (
    <div class="graph-wrap">
      {/* biome-ignore lint/a11y/useSemanticElements: SVG has no <fieldset>; role=group names the drawing for assistive tech */}
      <svg class="graph" width={g.width} height={g.height} viewBox={`0 0 ${g.width} ${g.height}`} role="group" aria-label={`Steps of the workflow as a graph, ${steps.length} steps`}>
        <defs>
          {(['next', 'route', 'failure'] as const).map((k) => (
            <marker key={k} id={`arrow-${k}`} class={`arrow-${k}`} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
              <path d="M0,0 L10,5 L0,10 z" />
            </marker>
          ))}
        </defs>
        {/* biome-ignore lint/a11y/noAriaHiddenOnFocusable: the arrows and their labels hold nothing focusable; each node describes its own arrows */}
        <g aria-hidden="true">
          {g.edges.map((e) => (
            <path key={`${e.from}-${e.kind}-${e.to}-${e.label}`} d={e.path} class={`edge edge-${e.kind}${e.back ? ' edge-back' : ''}`} marker-end={`url(#arrow-${e.kind})`} />
          ))}
          {/* labels after every arrow, so no arrow is drawn over a label */}
          {g.edges.map((e) =>
            e.label ? (
              <text key={`${e.from}-${e.kind}-${e.to}-${e.label}`} x={e.labelX} y={e.labelY} text-anchor="end" class="edge-label">
                {clip(e.label, 24)}
              </text>
            ) : null,
          )}
        </g>
        {g.nodes.map((n) => {
          const errors = errorsByStep.get(n.id) ?? [];
          const cls = ['node', `node-${n.step?.stepType ?? 'missing'}`, errors.length ? 'node-invalid' : '', selected === n.id ? 'node-selected' : ''].filter(Boolean).join(' ');
          return (
            // biome-ignore lint/a11y/useSemanticElements: an SVG node cannot be an HTML <button>; it carries the button role, tabindex and key handling
            <g
              key={n.id}
              class={cls}
              transform={`translate(${n.x},${n.y})`}
              role="button"
              tabindex={0}
              data-step-id={n.id}
              aria-pressed={selected === n.id}
              aria-label={describe(n, errors, steps)}
              onClick={() => onSelect(n.id)}
              onKeyDown={(ev) => {
                if (ev.key === 'Enter' || ev.key === ' ') {
                  ev.preventDefault();
                  onSelect(n.id);
                }
              }}
            >
              <rect width={NODE_W} height={NODE_H} rx="8" />
              <text x="12" y="24" class="node-id">
                {clip(n.id, 20)}
              </text>
              <text x="12" y="44" class="node-type">
                {n.step ? clip(nodeTypeOf(n.step), 26) : 'missing step'}
              </text>
              {errors.length ? (
                <g class="node-errors" transform={`translate(${NODE_W - 14},0)`}>
                  <circle r="11" />
                  <text text-anchor="middle" y="4">
                    {errors.length}
                  </text>
                </g>
              ) : null}
            </g>
          );
        })}
      </svg>
    </div>
  );
}
