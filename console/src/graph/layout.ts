import type { Step } from '../api/types.js';
import { edgesOf, type StepEdge } from './edges.js';

export const NODE_W = 184;
export const NODE_H = 58;
// room for a branch's label between columns, written just before the arrow it names
const GAP_X = 150;
const GAP_Y = 34;
const PAD = 16;

export interface PlacedNode {
  id: string;
  /** undefined for a target that no step defines (drawn as missing) */
  step: Step | undefined;
  layer: number;
  x: number;
  y: number;
}

export interface PlacedEdge extends StepEdge {
  /** SVG path data from the source's side to the target's */
  path: string;
  /** where the label ends (text-anchor end): just above the arrow's tip, where arrows no longer cross */
  labelX: number;
  labelY: number;
  /** goes back to an earlier or the same column (a cycle, which validation reports) */
  back: boolean;
}

export interface GraphLayout {
  width: number;
  height: number;
  nodes: PlacedNode[];
  edges: PlacedEdge[];
}

/**
 * Lays a workflow out left to right: the trigger in the first column, each step one column right
 * of its furthest predecessor, so branches fan out and rejoin in order. Steps nothing reaches start
 * columns of their own, targets no step defines become "missing" nodes, and arrows that would close
 * a cycle are drawn underneath instead of breaking the layout. Pure: the page draws the result.
 */
export function layoutGraph(steps: Step[]): GraphLayout {
  const edges = edgesOf(steps);
  const byId = new Map(steps.map((s) => [s.stepId, s]));
  const ids = [...steps.map((s) => s.stepId)];
  for (const e of edges) if (!byId.has(e.to) && !ids.includes(e.to)) ids.push(e.to);
  const out = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const e of edges) out.get(e.from)?.push(e.to);

  // Depth-first from the trigger, then from anything not yet reached: discovery order and back edges.
  const roots = [...steps.filter((s) => s.stepType === 'trigger').map((s) => s.stepId), ...ids];
  const order: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const backEdges = new Set<string>();
  const visit = (id: string) => {
    state.set(id, 'open');
    order.push(id);
    for (const to of out.get(id) ?? []) {
      const s = state.get(to);
      if (s === 'open') backEdges.add(`${id}\u0000${to}`);
      else if (s === undefined) visit(to);
    }
    state.set(id, 'done');
  };
  for (const r of roots) if (!state.has(r)) visit(r);

  // Longest path over the forward edges: reverse post-order would also do; repeated relaxation is
  // enough for the few hundred steps a workflow may have.
  const layer = new Map<string, number>(ids.map((id) => [id, 0]));
  const forward = edges.filter((e) => !backEdges.has(`${e.from}\u0000${e.to}`));
  for (let changed = true, rounds = 0; changed && rounds <= ids.length; rounds++) {
    changed = false;
    for (const e of forward) {
      const want = (layer.get(e.from) ?? 0) + 1;
      if ((layer.get(e.to) ?? 0) < want) {
        layer.set(e.to, want);
        changed = true;
      }
    }
  }

  // Columns in discovery order, then each column sorted by where its predecessors sit.
  const columns: string[][] = [];
  for (const id of order) {
    const c = layer.get(id) ?? 0;
    const col = columns[c] ?? [];
    col.push(id);
    columns[c] = col;
  }
  const row = new Map<string, number>();
  for (const col of columns) for (const [i, id] of (col ?? []).entries()) row.set(id, i);
  for (let c = 1; c < columns.length; c++) {
    const col = columns[c] ?? [];
    const weight = (id: string) => {
      const parents = forward.filter((e) => e.to === id).map((e) => row.get(e.from) ?? 0);
      return parents.length ? parents.reduce((a, b) => a + b, 0) / parents.length : (row.get(id) ?? 0);
    };
    const weights = new Map(col.map((id) => [id, weight(id)]));
    col.sort((a, b) => (weights.get(a) ?? 0) - (weights.get(b) ?? 0));
    for (const [i, id] of col.entries()) row.set(id, i);
  }

  const tallest = Math.max(1, ...columns.map((c) => c?.length ?? 0));
  const height = PAD * 2 + tallest * NODE_H + (tallest - 1) * GAP_Y + (backEdges.size ? 40 : 0);
  const nodes: PlacedNode[] = [];
  for (const [c, col] of columns.entries()) {
    if (!col) continue; // a layer with no step of its own
    const offset = ((tallest - col.length) * (NODE_H + GAP_Y)) / 2;
    for (const [i, id] of col.entries()) nodes.push({ id, step: byId.get(id), layer: c, x: PAD + c * (NODE_W + GAP_X), y: PAD + offset + i * (NODE_H + GAP_Y) });
  }
  const at = new Map(nodes.map((n) => [n.id, n]));
  const bottom = PAD + tallest * NODE_H + (tallest - 1) * GAP_Y;

  const placed: PlacedEdge[] = [];
  for (const e of edges) {
    const a = at.get(e.from);
    const b = at.get(e.to);
    if (!a || !b) continue;
    const back = b.layer <= a.layer;
    if (back) {
      const x1 = a.x + NODE_W / 2;
      const x2 = b.x + NODE_W / 2;
      const y1 = a.y + NODE_H;
      const y2 = b.y + NODE_H;
      const low = bottom + 28;
      placed.push({ ...e, back, path: `M${x1},${y1} C${x1},${low} ${x2},${low} ${x2},${y2}`, labelX: Math.max(x1, x2) - 8, labelY: low - 4 });
      continue;
    }
    const x1 = a.x + NODE_W;
    const y1 = a.y + NODE_H / 2;
    const x2 = b.x;
    const y2 = b.y + NODE_H / 2;
    const bend = Math.max(40, (x2 - x1) / 2);
    placed.push({ ...e, back, path: `M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}`, labelX: x2 - 10, labelY: y2 - 6 });
  }
  const width = PAD * 2 + columns.length * NODE_W + Math.max(0, columns.length - 1) * GAP_X;
  return { width, height, nodes, edges: placed };
}
