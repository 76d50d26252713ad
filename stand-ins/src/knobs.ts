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
}

export const DEFAULT_KNOBS: Readonly<Knobs> = Object.freeze({
  latencyMs: 0,
  errorRate: 0,
  errorStatus: 503,
  failNext: 0,
  retryAfterSeconds: 1,
  faultPhase: 'before',
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
}

const SEED = 0x5eed_b07;

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
      case 'retryAfterSeconds':
        if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return `${key} must be a number >= 0`;
        out[key] = value;
        break;
      case 'errorRate':
        if (typeof value !== 'number' || !(value >= 0 && value <= 1)) return 'errorRate must be a number in 0..1';
        out.errorRate = value;
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
  }

  reset(): void {
    this.state = { ...this.defaults };
    this.rng = prng(SEED);
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

  delay(): Promise<void> {
    const ms = this.state.latencyMs;
    return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
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
