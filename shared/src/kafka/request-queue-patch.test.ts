import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';

// kafkajs's request queue, as patched in patches/kafkajs+2.2.4.patch: with nothing pending it must
// arm no timer (unpatched, every answered request left a 1 ms timer that re-armed itself forever).
const require = createRequire(import.meta.url);
const RequestQueue = require('kafkajs/src/network/requestQueue/index.js') as new (opts: Record<string, unknown>) => {
  push(request: { entry: { correlationId: number; apiName: string; resolve: () => void; reject: () => void }; expectResponse: boolean; sendRequest: () => void }): void;
  fulfillRequest(response: { correlationId: number; payload: Buffer | null; size: number }): void;
  destroy(): void;
  throttledUntil: number;
  throttleCheckTimeoutId: unknown;
  pending: unknown[];
};

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const queues: InstanceType<typeof RequestQueue>[] = [];
function queue(maxInFlightRequests: number | null) {
  const q = new RequestQueue({ maxInFlightRequests, requestTimeout: 30_000, enforceRequestTimeout: false, clientId: 'test', broker: 'b:1', logger: quiet });
  queues.push(q);
  return q;
}
function request(q: InstanceType<typeof RequestQueue>, correlationId: number, sent: number[]) {
  q.push({ entry: { correlationId, apiName: 'Fetch', resolve: () => undefined, reject: () => undefined }, expectResponse: true, sendRequest: () => sent.push(correlationId) });
}

afterEach(() => {
  for (const q of queues.splice(0)) {
    clearTimeout(q.throttleCheckTimeoutId as NodeJS.Timeout);
    q.destroy();
  }
});

describe('kafkajs request queue (patched)', () => {
  it('arms no timer once its requests are answered and nothing waits', () => {
    const q = queue(null);
    const sent: number[] = [];
    request(q, 1, sent);
    q.fulfillRequest({ correlationId: 1, payload: null, size: 0 });
    expect(sent).toEqual([1]);
    expect(q.throttleCheckTimeoutId).toBeNull();
  });

  it('still sends a request that waited for a free in-flight slot when the slot frees', () => {
    const q = queue(1);
    const sent: number[] = [];
    request(q, 1, sent);
    request(q, 2, sent);
    expect(sent).toEqual([1]);
    q.fulfillRequest({ correlationId: 1, payload: null, size: 0 });
    expect(sent).toEqual([1, 2]);
  });

  it('still sends a request held by broker throttling once the throttle ends', async () => {
    const q = queue(null);
    const sent: number[] = [];
    q.throttledUntil = Date.now() + 30;
    request(q, 1, sent);
    expect(sent).toEqual([]);
    await new Promise((r) => setTimeout(r, 60));
    expect(sent).toEqual([1]);
    expect(q.pending).toHaveLength(0);
  });
});
