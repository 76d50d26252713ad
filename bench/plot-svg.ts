/**
 * The run's plot as a self-contained SVG, drawn here without a charting library: completions per second
 * over the run (with what was sent), and p50/p99 latency per second, the measured window shaded.
 */
import type { Second } from './timeline.js';

/** A "nice" axis from 0: ticks at 1, 2 or 5 × 10^k, the last at or above `max`. */
export function niceTicks(max: number, approxCount = 5): number[] {
  if (!(max > 0) || !Number.isFinite(max)) return [0, 1];
  const raw = max / approxCount;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude;
  const ticks: number[] = [];
  for (let i = 0; ; i++) {
    const v = Number((i * step).toPrecision(12));
    ticks.push(v);
    if (v >= max) return ticks;
  }
}

/** Maps [d0, d1] onto [r0, r1] linearly (r1 < r0 for a y axis that grows upwards). */
export function linearScale(d0: number, d1: number, r0: number, r1: number): (v: number) => number {
  const span = d1 - d0 || 1;
  return (v) => r0 + ((v - d0) / span) * (r1 - r0);
}

type Point = readonly [number, number];

/**
 * The runs of consecutive points with a value: a missing value (NaN) breaks the line, so a second
 * with no completions shows as a gap rather than a made-up line.
 */
export function runsOf(points: readonly Point[]): Point[][] {
  const runs: Point[][] = [];
  let run: Point[] = [];
  for (const p of points) {
    if (Number.isFinite(p[1])) run.push(p);
    else if (run.length) {
      runs.push(run);
      run = [];
    }
  }
  if (run.length) runs.push(run);
  return runs;
}

/** One run as SVG: a path through its points, or a dot for a point alone between gaps. */
export function drawRun(run: readonly Point[], color: string, dash: string | undefined): string {
  const [first] = run;
  if (!first) return '';
  if (run.length === 1) return `<circle cx="${first[0].toFixed(1)}" cy="${first[1].toFixed(1)}" r="2.5" fill="${color}"/>`;
  const d = run.map(([x, y], i) => `${i ? 'L' : 'M'}${x.toFixed(1)},${y.toFixed(1)}`).join('');
  return `<path d="${d}" fill="none" stroke="${color}" stroke-width="1.8" stroke-linejoin="round"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`;
}

export const escapeXml = (s: string): string => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

const W = 960;
const PANEL_H = 250;
const M = { left: 70, right: 150, top: 44, gap: 60, bottom: 40 };

const formatTick = (v: number) => (v >= 1_000 ? `${v / 1000}k` : String(v));

interface Series {
  label: string;
  color: string;
  values: number[];
  dash?: string;
}

function panel(opts: { top: number; seconds: number; series: Series[]; yLabel: string; window: { from: number; to: number } }): string {
  const { top, seconds } = opts;
  const maxY = Math.max(0, ...opts.series.flatMap((s) => s.values.filter(Number.isFinite)));
  const yTicks = niceTicks(maxY);
  const xTicks = niceTicks(seconds, 10);
  const x = linearScale(0, xTicks[xTicks.length - 1] ?? 1, M.left, W - M.right);
  const y = linearScale(0, yTicks[yTicks.length - 1] ?? 1, top + PANEL_H, top);
  const parts: string[] = [];
  parts.push(`<rect x="${x(opts.window.from).toFixed(1)}" y="${top}" width="${(x(opts.window.to) - x(opts.window.from)).toFixed(1)}" height="${PANEL_H}" fill="#f1f5fb"/>`);
  for (const v of yTicks) {
    parts.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#ddd"/>`);
    parts.push(`<text x="${M.left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${formatTick(v)}</text>`);
  }
  for (const v of xTicks) {
    parts.push(`<line x1="${x(v).toFixed(1)}" x2="${x(v).toFixed(1)}" y1="${top + PANEL_H}" y2="${top + PANEL_H + 4}" stroke="#555"/>`);
    parts.push(`<text x="${x(v).toFixed(1)}" y="${top + PANEL_H + 16}" text-anchor="middle">${v}</text>`);
  }
  parts.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${top + PANEL_H}" y2="${top + PANEL_H}" stroke="#555"/>`);
  parts.push(`<text transform="translate(16 ${top + PANEL_H / 2}) rotate(-90)" text-anchor="middle">${escapeXml(opts.yLabel)}</text>`);
  opts.series.forEach((s, i) => {
    // each value is drawn at the middle of its second
    const points = s.values.map((v, t): Point => [x(t + 0.5), Number.isFinite(v) ? y(v) : Number.NaN]);
    for (const run of runsOf(points)) parts.push(drawRun(run, s.color, s.dash));
    const ly = top + 14 + i * 18;
    parts.push(`<line x1="${W - M.right + 12}" x2="${W - M.right + 36}" y1="${ly - 4}" y2="${ly - 4}" stroke="${s.color}" stroke-width="2"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`);
    parts.push(`<text x="${W - M.right + 42}" y="${ly}">${escapeXml(s.label)}</text>`);
  });
  return parts.join('\n');
}

/** The whole plot. `window` is the measured window in seconds since the load started. */
export function renderPlot(opts: { title: string; seconds: Second[]; offeredRate: number; window: { from: number; to: number } }): string {
  const s = opts.seconds;
  const n = Math.max(s.length, Math.ceil(opts.window.to));
  const top2 = M.top + PANEL_H + M.gap;
  const height = top2 + PANEL_H + M.bottom;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height}" viewBox="0 0 ${W} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="${M.left}" y="18" font-size="14" font-weight="bold">${escapeXml(opts.title)}</text>`,
    `<text x="${M.left}" y="34" fill="#555">x: seconds since the load started; shaded: the measured window; each point: the executions that ended in that second</text>`,
    panel({
      top: M.top,
      seconds: n,
      window: opts.window,
      yLabel: 'executions / s',
      series: [
        { label: 'ended / s', color: '#1f6feb', values: s.map((b) => b.ended) },
        { label: 'sent / s', color: '#999', values: s.map((b) => b.sent), dash: '4 3' },
        { label: `offered ${opts.offeredRate}/s`, color: '#2da44e', values: s.map((b) => (b.t < opts.window.to ? opts.offeredRate : Number.NaN)), dash: '1 3' },
      ],
    }),
    panel({
      top: top2,
      seconds: n,
      window: opts.window,
      yLabel: 'latency, ms (request → completedAt)',
      series: [
        { label: 'p50', color: '#1f6feb', values: s.map((b) => b.p50) },
        { label: 'p99', color: '#d1242f', values: s.map((b) => b.p99) },
      ],
    }),
    `</svg>`,
    '',
  ].join('\n');
}
