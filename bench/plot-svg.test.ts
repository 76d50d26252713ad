import { describe, expect, it } from 'vitest';
import { drawRun, escapeXml, linearScale, niceTicks, renderPlot, runsOf } from './plot-svg.js';

describe('niceTicks', () => {
  it('steps by 1, 2 or 5 × 10^k from 0 to at least the maximum', () => {
    expect(niceTicks(87)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(niceTicks(100)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(niceTicks(9_463)).toEqual([0, 2_000, 4_000, 6_000, 8_000, 10_000]);
    expect(niceTicks(0.3)).toEqual([0, 0.1, 0.2, 0.3]);
    expect(niceTicks(70, 10)).toEqual([0, 10, 20, 30, 40, 50, 60, 70]);
  });

  it('gives a unit axis when there is nothing to scale', () => {
    expect(niceTicks(0)).toEqual([0, 1]);
    expect(niceTicks(Number.NaN)).toEqual([0, 1]);
  });
});

describe('linearScale', () => {
  it('maps the domain onto the range, inverted for a y axis', () => {
    const y = linearScale(0, 100, 300, 50);
    expect([y(0), y(50), y(100)]).toEqual([300, 175, 50]);
  });

  it('does not divide by zero on an empty domain', () => {
    expect(linearScale(5, 5, 0, 10)(5)).toBe(0);
  });
});

describe('runsOf and drawRun', () => {
  it('breaks the line where a value is missing', () => {
    expect(runsOf([[0, 1], [1, 2], [2, Number.NaN], [3, 4], [4, 5]])).toEqual([[[0, 1], [1, 2]], [[3, 4], [4, 5]]]);
    expect(runsOf([[0, Number.NaN]])).toEqual([]);
  });

  it('draws a run as a path and a point alone between gaps as a dot', () => {
    expect(drawRun([[0, 1], [2, 3]], 'red', '4 3')).toBe('<path d="M0.0,1.0L2.0,3.0" fill="none" stroke="red" stroke-width="1.8" stroke-linejoin="round" stroke-dasharray="4 3"/>');
    expect(drawRun([[5, 6]], 'red', undefined)).toBe('<circle cx="5.0" cy="6.0" r="2.5" fill="red"/>');
  });
});

describe('renderPlot', () => {
  it('is one SVG with both panels, the shaded window and an escaped title', () => {
    const svg = renderPlot({
      title: 'rate <100> & more',
      offeredRate: 100,
      window: { from: 1, to: 3 },
      seconds: [0, 1, 2, 3].map((t) => ({ t, sent: 100, ended: 90 + t, p50: 100 + t, p99: t === 2 ? Number.NaN : 300 })),
    });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('rate &#60;100&#62; &#38; more');
    expect(svg.match(/fill="#f1f5fb"/g)).toHaveLength(2);
    for (const label of ['ended / s', 'sent / s', 'offered 100/s', 'p50', 'p99']) expect(svg).toContain(`>${label}<`);
    expect(escapeXml(`"'`)).toBe('&#34;&#39;');
  });
});
