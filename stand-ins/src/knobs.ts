/**
 * Failure/latency knobs shared by every stand-in, plus the request journal.
 * Deterministic: the error-rate draw uses a seeded PRNG that restarts on reset().
 */

export interface Knobs {
  /** Delay added before every non-admin answer. */
  latencyMs: number;
  /** Fraction (0..1) of non-admin requests answered with `errorStatus`. */
  errorRate: number;
  /** Status used for injected failures (HTTP status; SMTP reply code for the SMTP stand-in). */
  errorStatus: number;
  /** The next n non-admin requests fail with `errorStatus` (takes precedence over errorRate). */
  failNext: number;
  /** Value of the Retry-After header sent with injected 429 answers. */
  retryAfterSeconds: number;
  /**
   * Extension: when an injected failure happens. 'before' (default): the request has no effect.
   * 'after': the request is processed (delivery recorded, idempotency key stored) and the
   * answer is then replaced by the failure — "the provider did it but the response was lost".
   */
  faultPhase: 'before' | 'after';
  /**
   * Fraction (0..1) of non-admin requests that take `slowMs` longer (on top of latencyMs): a few slow
   * calls among fast ones, such as an LLM that sometimes takes seconds. Drawn per request, seeded.
   */
  slowShare: number;
  /** Extra delay of the slow requests, ms. */
  slowMs: number;
}

export const DEFAULT_KNOBS: Readonly<Knobs> = Object.freeze({
  latencyMs: 0,
  errorRate: 0,
  errorStatus: 503,
  failNext: 0,
  retryAfterSeconds: 1,
  faultPhase: 'before',
  slowShare: 0,
  slowMs: 0,
});

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  /** Parsed JSON body when it parsed, the raw text otherwise, undefined when empty. */
  body: unknown;
  /** ISO time the request was received. */
  time: string;
  /** Status the stand-in answered with (including injected failures). */
  status: number;
  /** Present when the `slowShare` draw made this request one of the slow ones. */
  slow?: true;
}

const SEED = 0x5eed_b07;
// The slow draw has its own sequence, so turning slow calls on does not change which requests fail.
const SLOW_SEED = 0x51_0e5;

/** mulberry32: tiny deterministic PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Validates a partial knobs object (e.g. from POST /__admin/knobs). Returns an error string or the partial. */
export function parseKnobs(input: unknown): Partial<Knobs> | string {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return 'knobs must be a JSON object';
  const out: Partial<Knobs> = {};
  for (const [key, value] of Object.entries(input as Record<string, unknown>)) {
    switch (key) {
      case 'latencyMs':
      case 'slowMs':
      case 'retryAfterSeconds':
        if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return `${key} must be a number >= 0`;
        out[key] = value;
        break;
      case 'errorRate':
      case 'slowShare':
        if (typeof value !== 'number' || !(value >= 0 && value <= 1)) return `${key} must be a number in 0..1`;
        out[key] = value;
        break;
      case 'errorStatus':
        if (typeof value !== 'number' || !Number.isInteger(value) || value < 100 || value > 599) {
          return 'errorStatus must be an integer in 100..599';
        }
        out.errorStatus = value;
        break;
      case 'failNext':
        if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) return 'failNext must be an integer >= 0';
        out.failNext = value;
        break;
      case 'faultPhase':
        if (value !== 'before' && value !== 'after') return "faultPhase must be 'before' or 'after'";
        out.faultPhase = value;
        break;
      default:
        return `unknown knob '${key}'`;
    }
  }
  return out;
}

/** Knob state and fault decisions for one stand-in. */
export class Faults {
  private state: Knobs;
  private rng = prng(SEED);
  private slowRng = prng(SLOW_SEED);

  constructor(private readonly defaults: Knobs = { ...DEFAULT_KNOBS }) {
    this.state = { ...defaults };
  }

  get knobs(): Knobs {
    return { ...this.state };
  }

  set(partial: Partial<Knobs>): void {
    const parsed = parseKnobs(partial);
    if (typeof parsed === 'string') throw new TypeError(parsed);
    this.state = { ...this.state, ...parsed };
    if (parsed.errorRate !== undefined) this.rng = prng(SEED);
    if (parsed.slowShare !== undefined) this.slowRng = prng(SLOW_SEED);
  }

  reset(): void {
    this.state = { ...this.defaults };
    this.rng = prng(SEED);
    this.slowRng = prng(SLOW_SEED);
  }

  /** Decides whether the current request fails; consumes failNext. */
  shouldFail(): boolean {
    if (this.state.failNext > 0) {
      this.state.failNext -= 1;
      return true;
    }
    if (this.state.errorRate <= 0) return false;
    return this.rng() < this.state.errorRate;
  }

  /** Decides how long the current request waits: latencyMs, plus slowMs for a `slowShare` of requests. */
  planDelay(): { ms: number; slow: boolean } {
    const slow = this.state.slowShare > 0 && this.state.slowMs > 0 && this.slowRng() < this.state.slowShare;
    return { ms: this.state.latencyMs + (slow ? this.state.slowMs : 0), slow };
  }

  /** Waits as planDelay() decides; resolves with whether this request was one of the slow ones. */
  async delay(): Promise<{ slow: boolean }> {
    const { ms, slow } = this.planDelay();
    if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
    return { slow };
  }
}

/** Bounded in-memory journal (oldest entries dropped beyond `limit`). */
export class Journal<T> {
  private items: T[] = [];
  constructor(private readonly limit = 10_000) {}
  push(item: T): void {
    this.items.push(item);
    if (this.items.length > this.limit) this.items.splice(0, this.items.length - this.limit);
  }
  list(): T[] {
    return structuredClone(this.items);
  }
  clear(): void {
    this.items = [];
  }
}
