import { describe, expect, it } from 'vitest';
import { createAdmissionGate } from './admission-gate.js';

function gate(maxBacklog = 100) {
  let t = 0;
  const events: string[] = [];
  const g = createAdmissionGate({ maxBacklog, staleMs: 1_000, now: () => t, checkEveryMs: 0, onClose: (n) => events.push(`close ${n}`), onOpen: (n) => events.push(`open ${n}`) });
  return { g, events, advance: (ms: number) => (t += ms) };
}

describe('admission gate', () => {
  it('closes when the partitions together leave more than the bound unread, and opens at half of it', () => {
    const { g, events } = gate(100);
    g.observe(0, 60);
    g.observe(1, 30);
    expect(g.isClosed()).toBe(false);
    g.observe(2, 20); // 110 in all
    expect(g.isClosed()).toBe(true);
    g.observe(0, 10); // 60: still above half
    expect(g.isClosed()).toBe(true);
    g.observe(1, 0); // 30
    expect(events).toEqual(['close 110', 'open 30']);
  });

  it('opens when no batch of the watched topic arrives for a while, and when partitions change owner', () => {
    const { g, events, advance } = gate(100);
    g.observe(0, 500);
    advance(999);
    g.tick();
    expect(g.isClosed()).toBe(true);
    advance(1);
    g.tick();
    expect(g.isClosed()).toBe(false);
    g.observe(0, 500);
    g.reset();
    expect(g.isClosed()).toBe(false);
    expect(events).toEqual(['close 500', 'open 500', 'close 500', 'open 0']);
  });
});
