/** What a failed API call says: the gateway's `{ success: false, error: { code, message } }`, or a network failure. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiFailure';
  }
}

export interface HttpOptions {
  /** the bearer token sent with every call */
  token: string;
  /** the gateway's origin; the console is served by the gateway, so the default is its own */
  baseUrl?: string;
  /** called once when the gateway refuses the token (401), so the app can ask for another */
  onUnauthorized?: () => void;
}

export interface Http {
  get<T>(path: string, signal?: AbortSignal): Promise<T>;
  post<T>(path: string, body: unknown, signal?: AbortSignal): Promise<T>;
  /** a raw request with the token, for streams */
  open(path: string, init: RequestInit): Promise<Response>;
}

async function failureOf(res: Response): Promise<ApiFailure> {
  let code = `HTTP_${res.status}`;
  let message = res.statusText || `the gateway answered ${res.status}`;
  let details: unknown;
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string; details?: unknown } };
    if (body.error?.code) code = body.error.code;
    if (body.error?.message) message = body.error.message;
    details = body.error?.details;
  } catch {
    // not JSON: keep the status line
  }
  return new ApiFailure(res.status, code, message, details);
}

/** A fetch wrapper that adds the token, parses JSON and turns error answers into ApiFailure. */
export function createHttp(opts: HttpOptions): Http {
  const base = opts.baseUrl ?? '';
  const open = async (path: string, init: RequestInit) => {
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${opts.token}`);
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, { ...init, headers });
    } catch (error) {
      if ((error as Error).name === 'AbortError') throw error;
      throw new ApiFailure(0, 'NETWORK', 'the gateway could not be reached');
    }
    if (res.status === 401) opts.onUnauthorized?.();
    return res;
  };
  const call = async <T>(method: string, path: string, body: unknown, signal?: AbortSignal): Promise<T> => {
    const init: RequestInit = { method, headers: { accept: 'application/json' } };
    if (signal) init.signal = signal;
    if (body !== undefined) {
      init.headers = { accept: 'application/json', 'content-type': 'application/json' };
      init.body = JSON.stringify(body);
    }
    const res = await open(path, init);
    if (!res.ok) throw await failureOf(res);
    return (await res.json()) as T;
  };
  return {
    get: (path, signal) => call('GET', path, undefined, signal),
    post: (path, body, signal) => call('POST', path, body, signal),
    open,
  };
}

/**
 * Whether a failure of one of the newer routes (streams, bulk retry, dead letters) means this
 * gateway does not serve it yet. Only asked where the ids in the path are known to exist, so a 404
 * there is the route, not the resource.
 */
export function routeMissing(error: unknown): boolean {
  return error instanceof ApiFailure && (error.status === 404 || error.status === 405);
}

/** Reads a failure for a person: the gateway's message, with its code. */
export function describeFailure(error: unknown): string {
  if (error instanceof ApiFailure) return error.status === 0 ? error.message : `${error.message} (${error.code})`;
  return error instanceof Error ? error.message : String(error);
}
