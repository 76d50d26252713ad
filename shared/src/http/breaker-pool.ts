import { Lru } from '../cache/lru.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { BREAKER_OUTCOMES, createBreaker, type BreakerSettings, type Guarded } from './provider-client.js';

/**
 * Circuit breakers per (provider, org): an org whose calls fail opens the provider for itself
 * only, while other orgs that the provider still serves keep calling. At most `maxEntries`
 * breakers live at once; the least recently used is dropped first (it starts closed if it comes
 * back). The `botwot_breaker_open{provider}` gauge is 1 while any org's breaker for it is open.
 */
export interface BreakerPool {
  guard(provider: string, orgId: string): Guarded;
  size(): number;
  shutdown(): void;
}

export function createBreakerPool(settings: BreakerSettings, deps: { metrics: Metrics; logger: Logger }, opts: { maxEntries?: number } = {}): BreakerPool {
  const states = new Map<string, { provider: string; state: () => string }>();
  const pool = new Lru<string, Guarded>({
    maxEntries: opts.maxEntries ?? 1_000,
    onEvict: (key, guard) => {
      states.delete(key);
      guard.shutdown();
      report(guard.provider);
    },
  });

  /** Sets the provider's gauges from the breakers that are alive; drops its series when none is left (provider names can come from steps). */
  const report = (provider: string) => {
    let open = 0;
    let half = 0;
    let alive = 0;
    for (const s of states.values()) {
      if (s.provider !== provider) continue;
      alive++;
      const state = s.state();
      if (state === 'open') open++;
      else if (state === 'half_open') half++;
    }
    if (alive === 0) {
      deps.metrics.breakerState.remove({ provider });
      deps.metrics.breakersOpen.remove({ provider });
      for (const outcome of BREAKER_OUTCOMES) deps.metrics.breakerCalls.remove({ provider, outcome });
      return;
    }
    deps.metrics.breakerState.set({ provider }, open > 0 ? 1 : half > 0 ? 0.5 : 0);
    deps.metrics.breakersOpen.set({ provider }, open);
  };

  return {
    guard(provider, orgId) {
      const key = `${provider}\u0000${orgId}`;
      let guard = pool.get(key);
      if (!guard) {
        guard = createBreaker(provider, settings, {
          ...deps,
          logger: deps.logger.child({ orgId }),
          onChange: () => report(provider),
          onCall: (outcome) => deps.metrics.breakerCalls.inc({ provider, outcome }),
        });
        const created = guard;
        states.set(key, { provider, state: () => created.state() });
        pool.set(key, guard);
        report(provider);
      }
      return guard;
    },
    size: () => pool.size,
    shutdown: () => pool.clear(),
  };
}
