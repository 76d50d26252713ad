import { describe, expect, it } from 'vitest';
import { cpuBetween, type UsageSnapshot } from './process-sampler.js';

const snap = (atMs: number, ticks: Record<string, number>, busy: number, total: number): UsageSnapshot => ({
  atMs,
  byRoot: new Map(Object.entries(ticks).map(([name, cpuTicks]) => [name, { cpuTicks, rssPages: 1, processes: 1 }])),
  machine: { busy, total },
});

describe('cpuBetween', () => {
  it('turns tick differences into ms per root and for the machine', () => {
    const w = cpuBetween(snap(0, { kafka: 100, gateway: 50 }, 1_000, 5_000), snap(10_000, { kafka: 350, gateway: 60 }, 2_500, 7_000), 100);
    expect(w.seconds).toBe(10);
    expect(Object.fromEntries(w.cpuMs)).toEqual({ kafka: 2_500, gateway: 100 });
    expect([w.machineBusyMs, w.machineTotalMs]).toEqual([15_000, 20_000]);
  });

  it('counts a root seen at one edge only from zero, and never below zero', () => {
    const w = cpuBetween(snap(0, { gone: 500 }, 0, 0), snap(1_000, { postgres: 20 }, 0, 0), 100);
    expect(Object.fromEntries(w.cpuMs)).toEqual({ gone: 0, postgres: 200 });
  });
});
