import { describe, expect, it } from 'vitest';
import { KeyedScheduler } from './keyed-scheduler.js';

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

describe('KeyedScheduler', () => {
  it('runs one key in order and other keys alongside, within the concurrency', async () => {
    const s = new KeyedScheduler(2);
    const log: string[] = [];
    const slow = gate();
    s.push({ key: 'a', group: 'o', run: async () => { log.push('a1 start'); await slow.opened; log.push('a1 end'); } });
    s.push({ key: 'a', group: 'o', run: async () => { log.push('a2'); } });
    s.push({ key: 'b', group: 'o', run: async () => { log.push('b1'); } });
    await new Promise((r) => setTimeout(r, 10));
    expect(log).toEqual(['a1 start', 'b1']);
    slow.open();
    await new Promise((r) => setTimeout(r, 10));
    expect(log).toEqual(['a1 start', 'b1', 'a1 end', 'a2']);
    expect(s.size()).toBe(0);
  });

  it('shares free slots between groups, so one group\'s burst does not go first', async () => {
    const s = new KeyedScheduler(1);
    const order: string[] = [];
    const first = gate();
    s.push({ key: 'x', group: 'busy', run: async () => { await first.opened; order.push('busy-0'); } });
    for (let i = 1; i <= 3; i++) s.push({ key: `busy-${i}`, group: 'busy', run: async () => { order.push(`busy-${i}`); } });
    s.push({ key: 'quiet', group: 'quiet', run: async () => { order.push('quiet'); } });
    first.open();
    await new Promise((r) => setTimeout(r, 10));
    expect(order.indexOf('quiet')).toBeLessThan(order.indexOf('busy-2'));
  });

  it('on stop, lets running jobs finish and drops the ones not started', async () => {
    const s = new KeyedScheduler(1);
    const running = gate();
    const ran: string[] = [];
    s.push({ key: 'a', group: 'o', run: async () => { await running.opened; ran.push('a'); } });
    s.push({ key: 'b', group: 'o', run: async () => { ran.push('b'); } });
    const stopped = s.stop();
    running.open();
    await stopped;
    expect(ran).toEqual(['a']);
  });
});
