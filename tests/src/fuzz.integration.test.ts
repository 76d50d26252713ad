import { randomInt, randomUUID } from 'node:crypto';
import { request } from 'node:http';
import fc from 'fast-check';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { apiAs, eventually, type Api } from './api-client.js';
import { tokenFuzz } from './fuzz-tokens.js';

// Property-based fuzzing of the HTTP API with a valid token: hostile bodies, paths, ids, query
// strings, headers, workflow definitions and templates. Whatever comes in, the gateway answers
// below 500 in the API's error shape, stays up, and writes nothing for what it refused.
// Bounded to a few hundred requests; FUZZ_SEED=<n> replays a run (fast-check prints the seed),
// FUZZ_SCALE=<k> multiplies the number of runs for a longer hunt.

const run = randomUUID().slice(0, 8);
const org = `org-fuzz-${run}`;
const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;
const scale = Math.max(1, Number(process.env.FUZZ_SCALE ?? 1) || 1);
const LEAK = /\bat [\w.<>]+ \(|\n\s+at |node_modules|\.[cm]?[jt]s:\d+|"stack"|mongo(?:ose|db)?server|E11000|ferret|sqlite|KafkaJS|ZodError/i;

interface Answer {
  status: number;
  text: string;
  body: any;
  headers: Record<string, string | string[] | undefined>;
}

const okTrigger = { stepId: 't', stepType: 'trigger', config: { triggerType: 'whatsapp' }, nextStepId: 'w' };
const okAction = { stepId: 'w', stepType: 'action', config: { actionType: 'send_whatsapp', messageTemplate: 'fuzz {{message_text}}' } };
const okSteps = [okTrigger, okAction];

// ---- arbitraries ---------------------------------------------------------------------------

const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__', '$where', '$gt', '$ne', 'a.b', '$', ''];
const NASTY_STRINGS = [
  '\u0000', '\ud800', '\udfff', '\u202e\u0661\u0662', '𝕏𝕐', 'ﷺ', '\ufeff', 'e\u0301', '\r\n\t', '%00', '../../etc/passwd',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the JavaScript placeholder below is one of the hostile inputs, meant as plain text
  '{{__proto__}}', '{{constructor.constructor}}', "{{constructor.constructor('return process')()}}", '${process.exit()}',
  '<script>alert(1)</script>', "'; db.dropDatabase(); '", '{"$gt":""}', 'null', 'undefined', 'NaN', '-0', '1e309',
];

const key = fc.oneof(fc.constantFrom(...PROTO_KEYS), fc.string({ maxLength: 12 }));
const nastyString = fc.oneof(
  fc.constantFrom(...NASTY_STRINGS),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.integer({ min: 1_000, max: 60_000 }).map((n) => 'x'.repeat(n)),
);
const { value: hostileValue } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    nastyString,
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(key, tie('value'), { maxKeys: 4 }),
  ),
}));

/** `[[[[…]]]]` or `{"a":{"a":…}}` as text, `depth` levels deep, with `inner` at the bottom. */
const nested = (depth: number, kind: 'array' | 'object', inner = '1') =>
  kind === 'array' ? `${'['.repeat(depth)}${inner}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}${inner}${'}'.repeat(depth)}`;
const deep = fc.record({ depth: fc.oneof(fc.integer({ min: 20, max: 200 }), fc.integer({ min: 1_000, max: 30_000 })), kind: fc.constantFrom('array' as const, 'object' as const) });

/** A raw JSON text that a client could send: garbage, malformed, wrong types, very deep. */
const rawText = fc.oneof(
  fc.json({ maxDepth: 4 }),
  fc.constantFrom('', ' ', 'null', '[]', '"x"', '0', '{', '{"name":', '{"name":"x",}', "{'name':'x'}", '\ufeff{}', 'NaN', '{"a":1}{"b":2}', '\u0000', '[1,2,'),
  deep.map(({ depth, kind }) => nested(depth, kind)),
  fc.string({ unit: 'binary', maxLength: 200 }),
);

/** A step with every field possibly hostile, but often shaped well enough to pass the schema. */
const hostileStep = fc.record(
  {
    stepId: fc.oneof(fc.constantFrom('t', 'w', 'a', '__proto__', 'constructor', 'x.y', 'a:b'), nastyString, hostileValue),
    stepType: fc.oneof(fc.constantFrom('trigger', 'agent', 'action', 'utility', '__proto__', 'constructor'), hostileValue),
    config: fc.oneof(
      fc.dictionary(key, hostileValue, { maxKeys: 5 }),
      fc.record({ triggerType: fc.constantFrom('whatsapp', 'email', '__proto__'), actionType: fc.constantFrom('send_whatsapp', 'update_crm', 'constructor'), messageTemplate: nastyString, endpoint: fc.constantFrom('http://169.254.169.254/latest/meta-data/', 'file:///etc/passwd', 'http://[::ffff:127.0.0.1]:1/') }, { requiredKeys: [] }),
      hostileValue,
    ),
    nextStepId: fc.oneof(fc.constantFrom('w', 't', 'missing', null), hostileValue),
    routes: hostileValue,
    retry: hostileValue,
    timeoutMs: hostileValue,
  },
  { requiredKeys: ['stepId', 'stepType'] },
);

/** Bodies for create and replace: raw text, hostile shapes, prototype keys, deep or huge fields. */
const workflowBody = fc.oneof(
  rawText,
  fc.record({ name: fc.oneof(nastyString, hostileValue), steps: fc.oneof(fc.array(hostileStep, { maxLength: 4 }), hostileValue), description: hostileValue }, { requiredKeys: [] }).map((b) => JSON.stringify(b)),
  fc.constantFrom(...PROTO_KEYS).map((k) => `{"name":"proto ${k}","steps":${JSON.stringify(okSteps)},${JSON.stringify(k)}:{"orgId":"someone-else","status":"archived","polluted":true}}`),
  fc.constantFrom('__proto__', 'constructor', 'prototype').map((k) => `{"name":"deep proto","steps":[{"stepId":"t","stepType":"trigger","config":{${JSON.stringify(k)}:{"polluted":true},"triggerType":"whatsapp"}}]}`),
  deep.map(({ depth, kind }) => `{"name":"deep config","steps":[{"stepId":"t","stepType":"trigger","config":{"triggerType":"whatsapp","x":${nested(depth, kind)}}}]}`),
  fc.constantFrom('a', 't').map((id) => JSON.stringify({ name: 'duplicate ids', steps: [okTrigger, { ...okAction, stepId: id }, { ...okAction, stepId: id }] })),
  fc.constantFrom('$where', '$set', 'a.b', '$', '.a', 'a.').map((k) => JSON.stringify({ name: `config key ${k}`, steps: [okTrigger, { ...okAction, config: { ...okAction.config, [k]: { [k]: 1 } } }] })),
);

/** Bodies for execute and test. */
const executeBody = fc.oneof(
  rawText,
  hostileValue.map((triggerData) => JSON.stringify({ triggerData })),
  fc.dictionary(key, hostileValue, { maxKeys: 6 }).map((triggerData) => JSON.stringify({ triggerData: { phone_number: '+919800000009', ...triggerData } })),
  fc.constantFrom(...PROTO_KEYS).map((k) => `{"triggerData":{${JSON.stringify(k)}:{"message_text":"polluted","phone_number":"+1"},"phone_number":"+919800000009"}}`),
  fc.constantFrom(...PROTO_KEYS).map((k) => `{"triggerData":{"phone_number":"+919800000009"},${JSON.stringify(k)}:{"mode":"live","orgId":"someone-else"}}`),
  deep.map(({ depth, kind }) => `{"triggerData":{"phone_number":"+919800000009","message_text":${nested(depth, kind, '"deep"')}}}`),
  fc.integer({ min: 10_000, max: 200_000 }).map((n) => JSON.stringify({ triggerData: { phone_number: '+919800000009', message_text: '𝕏'.repeat(n / 4) } })),
);

const retryBody = fc.oneof(rawText, fc.record({ from: fc.oneof(fc.constantFrom('start', 'failed_step'), hostileValue), version: fc.oneof(fc.constantFrom('original', 'latest'), hostileValue) }, { requiredKeys: [] }).map((b) => JSON.stringify(b)));

/** Path segments: unknown ids, traversal, encodings, operators, unicode, very long. */
const hostileId = fc.oneof(
  fc.constantFrom('', '.', '..', '%2e%2e', '%2F', '%252F', '%00', '%', '%zz', '%C0%AE', '__proto__', 'constructor', 'prototype', '$where', '%7B%22%24gt%22%3A%22%22%7D', 'null', 'undefined', '-1', '0', 'execution', 'workFlow', ';', "'", '*', '~', '0123456789abcdef01234567', randomUUID()),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }).map(encodeURIComponent),
  fc.integer({ min: 90, max: 3_000 }).map((n) => 'a'.repeat(n)),
);
const queryValue = fc.oneof(fc.constantFrom('', '-1', '0', '1', '1.5', '1e309', 'NaN', 'Infinity', '0x10', '99999999999999999999', '__proto__', 'running', 'all', '24h', '%00', 'a%20b'), fc.string({ maxLength: 10 }).map(encodeURIComponent));
const queryKey = fc.constantFrom('page', 'limit', 'status', 'dateRange', 'version', 'wait', '__proto__', '__proto__[x]', 'constructor', 'status[]', 'page[$gt]', 'x');
const query = fc.array(fc.tuple(queryKey, queryValue), { maxLength: 4 }).map((pairs) => (pairs.length ? `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}` : ''));

/** A path segment as a client would encode it, at most 2,000 characters (lone surrogates as raw bytes). */
const pathSegment = (v: string) => {
  let encoded: string;
  try {
    encoded = encodeURIComponent(v);
  } catch {
    encoded = Buffer.from(v, 'utf8').toString('hex').replace(/(..)/g, '%$1');
  }
  return encoded.slice(0, 2_000);
};

/** Header values a client can put on the wire (no control characters but tab; latin-1). */
const headerValue = fc.oneof(
  fc.constantFrom('', ' ', 'a b', '__proto__', 'constructor', '{"$gt":""}', '\u00ff\u00e9', 'k'.repeat(200), 'k'.repeat(201), 'k'.repeat(4_000), '../../x', '\t'),
  fc.string({ unit: 'binary-ascii', maxLength: 60 }).map((s) => s.replace(/[^\t\x20-\x7e]/g, '')),
);

// ---- the client ------------------------------------------------------------------------------

describe('fuzzing the HTTP API', () => {
  let gatewayUrl: URL;
  let api: Api;
  let token: string;
  /** the workflow executions go to; never replaced or archived by the fuzz */
  let W: string;
  /** the workflow PUTs go to */
  let P: string;
  /** an ended execution of W, for retries */
  let E: string;
  let workflowsBefore: number;
  let requests = 0;
  const created = new Set<string>();
  const executionsOfW = new Set<string>();
  /** the request that started each execution, to show when one goes missing */
  const startedBy = new Map<string, string>();
  let versionsOfP = 1;

  /** One request on its own connection, sent exactly as given (path not normalised). */
  function send(method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<Answer> {
    requests += 1;
    return new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : Buffer.from(body, 'utf8');
      const req = request(
        {
          host: gatewayUrl.hostname,
          port: gatewayUrl.port,
          method,
          path,
          agent: false,
          headers: {
            authorization: `Bearer ${token}`,
            ...(payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {}),
            ...headers,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown;
            try {
              parsed = text ? JSON.parse(text) : undefined;
            } catch {
              parsed = undefined;
            }
            resolve({ status: res.statusCode ?? 0, text, body: parsed, headers: res.headers });
          });
          res.on('error', reject);
        },
      );
      req.setTimeout(30_000, () => req.destroy(new Error(`no answer to ${method} ${path.slice(0, 80)} within 30 s`)));
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** What every answer must be: below 500; an error is `{ success: false, error: { code, message, details? } }` without internals. */
  function checkAnswer(what: string, res: Answer, method: string) {
    const show = `${what} → ${res.status} ${res.text.slice(0, 300)}`;
    expect(res.status, show).toBeGreaterThanOrEqual(200);
    expect(res.status, show).toBeLessThan(500);
    if (method === 'HEAD') return;
    expect(String(res.headers['content-type']), show).toMatch(/^application\/json/);
    expect(res.body, show).toBeTypeOf('object');
    if (res.status >= 400) {
      expect(res.body, show).toEqual({ success: false, error: expect.objectContaining({ code: expect.stringMatching(/^[A-Z_]+$/), message: expect.any(String) }) });
      expect(Object.keys(res.body.error).every((k) => ['code', 'message', 'details'].includes(k)), show).toBe(true);
      expect(res.text, show).not.toMatch(LEAK);
    }
  }

  const total = async () => {
    const res = await api.get('/workFlow?limit=1');
    expect(res.status).toBe(200);
    return res.body.total as number;
  };

  const props = (numRuns: number) => ({ numRuns: numRuns * scale, endOnFailure: true, ...(seed !== undefined ? { seed } : {}) });

  beforeAll(async () => {
    gatewayUrl = new URL(inject('system').gatewayUrl);
    api = await apiAs(org);
    token = api.token;
    const w = await api.post('/workFlow', { name: 'fuzz target', steps: okSteps });
    const p = await api.post('/workFlow', { name: 'fuzz put target', steps: okSteps });
    expect([w.status, p.status]).toEqual([201, 201]);
    W = w.body.id;
    P = p.body.id;
    const done = await api.post(`/workFlow/${W}/execute?wait=20`, { triggerData: { phone_number: '+919800000009', message_text: 'seed' } });
    expect(done.status).toBe(200);
    E = done.body.executionId;
    executionsOfW.add(E);
    workflowsBefore = await total();
    expect(workflowsBefore).toBe(2);
  });

  it('hostile bodies on every route with a body: no 5xx, the error shape, and only accepted creates are stored', async () => {
    const routes = fc.oneof(
      workflowBody.map((body) => ({ method: 'POST', path: '/workFlow', body })),
      workflowBody.map((body) => ({ method: 'PUT', path: `/workFlow/${P}`, body })),
      executeBody.map((body) => ({ method: 'POST', path: `/workFlow/${W}/execute`, body })),
      executeBody.map((body) => ({ method: 'POST', path: `/workFlow/${W}/test`, body })),
      retryBody.map((body) => ({ method: 'POST', path: `/workFlow/execution/${E}/retry`, body })),
      rawText.map((body) => ({ method: 'POST', path: `/workFlow/${W}/validate`, body })),
    );
    await fc.assert(
      fc.asyncProperty(routes, async ({ method, path, body }) => {
        const res = await send(method, path, body);
        checkAnswer(`${method} ${path} ${body.slice(0, 200)}`, res, method);
        if (path === '/workFlow' && res.status === 201) created.add(res.body.id);
        if (method === 'PUT' && res.status === 200) versionsOfP += 1;
        if (/\/(execute|test|retry)$/.test(path) && res.status < 300) {
          executionsOfW.add(res.body.executionId);
          startedBy.set(res.body.executionId, `${path} ${body.slice(0, 300)}`);
        }
        if (res.status >= 400) expect(res.body.success).toBe(false);
      }),
      props(150),
    );
    expect(await total()).toBe(workflowsBefore + created.size);
    expect((await api.get(`/workFlow/${P}`)).body.latestVersion).toBe(versionsOfP);
  });

  it('hostile paths, ids and query strings on every route: no 5xx and the error shape', async () => {
    const target = fc.oneof(
      fc.tuple(hostileId, query).map(([id, q]) => ({ method: 'GET', path: `/workFlow/${id}${q}` })),
      fc.tuple(hostileId, query).map(([id, q]) => ({ method: 'GET', path: `/workFlow/${id}/executions${q}` })),
      fc.tuple(hostileId, query).map(([id, q]) => ({ method: 'GET', path: `/workFlow/execution/${id}${q}` })),
      fc.tuple(hostileId, query).map(([id, q]) => ({ method: 'POST', path: `/workFlow/${id}/execute${q}`, body: '{"triggerData":{"phone_number":"+919800000009"}}' })),
      fc.tuple(hostileId, query).map(([id, q]) => ({ method: 'POST', path: `/workFlow/execution/${id}/retry${q}`, body: '{}' })),
      fc.tuple(hostileId, query).map(([id, q]) => ({ method: 'PUT', path: `/workFlow/${id}${q}`, body: JSON.stringify({ name: 'renamed', steps: okSteps }) })),
      fc.tuple(hostileId, query).map(([id, q]) => ({ method: 'DELETE', path: `/workFlow/${id}${q}` })),
      fc.tuple(hostileId, query).map(([id, q]) => ({ method: 'POST', path: `/workFlow/${id}/validate${q}`, body: '{}' })),
      query.map((q) => ({ method: 'GET', path: `/workFlow${q}` })),
      query.map((q) => ({ method: 'GET', path: `/workFlow/${W}${q}` })),
      query.map((q) => ({ method: 'GET', path: `/workFlow/${W}/executions${q}` })),
      query.map((q) => ({ method: 'POST', path: `/workFlow/${W}/test${q}`, body: '{"triggerData":{"phone_number":"+919800000009"}}' })),
      fc.tuple(fc.constantFrom('PATCH', 'OPTIONS', 'HEAD', 'PROPFIND'), hostileId).map(([method, id]) => ({ method, path: `/workFlow/${id}` })),
      fc.constantFrom('/workFlow/', '/workFlow//', `/workFlow/${W}/`, `/workFlow/${W}//executions`, '/workFlow/execution/', '/workFlow/execution//retry', '/WORKFLOW', '/workflow').map((path) => ({ method: 'GET', path })),
    );
    await fc.assert(
      fc.asyncProperty(target, async (t) => {
        const body = 'body' in t ? t.body : undefined;
        const res = await send(t.method, t.path, body);
        checkAnswer(`${t.method} ${t.path.slice(0, 200)}`, res, t.method);
        if (/\/(execute|test|retry)(\?|$)/.test(t.path) && res.status < 300) {
          expect(t.path.startsWith(`/workFlow/${W}/`), `an execution started through ${t.path}`).toBe(true);
          executionsOfW.add(res.body.executionId);
        }
        if (t.method === 'PUT' && res.status === 200) throw new Error(`a hostile id replaced a workflow: ${t.path}`);
        if (t.method === 'DELETE' && res.status === 200) throw new Error(`a hostile id archived a workflow: ${t.path}`);
      }),
      props(110),
    );
    expect(await total()).toBe(workflowsBefore + created.size);
    expect((await api.get(`/workFlow/${W}`)).body).toMatchObject({ status: 'active', latestVersion: 1, name: 'fuzz target' });
  });

  it('hostile headers (Idempotency-Key, Content-Type): no 5xx, the error shape, and one execution per accepted key', async () => {
    const contentType = fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=utf-16', '', '__proto__');
    const input = fc.record({ key: fc.option(headerValue, { nil: undefined }), contentType, path: fc.constantFrom('execute', 'test'), body: fc.constantFrom('{"triggerData":{"phone_number":"+919800000009"}}', 'a=1&b=2', '--x\r\nContent-Disposition: form-data; name="triggerData"\r\n\r\n{}\r\n--x--') });
    const firstByKey = new Map<string, { executionId: string; path: string }>();
    await fc.assert(
      fc.asyncProperty(input, async ({ key, contentType: type, path, body }) => {
        const headers: Record<string, string> = { 'content-type': type, ...(key !== undefined ? { 'idempotency-key': key } : {}) };
        const res = await send('POST', `/workFlow/${W}/${path}`, body, headers);
        checkAnswer(`POST ${path} key=${JSON.stringify(key)} type=${type}`, res, 'POST');
        // keys are per org and bound to route (so mode) and body; what the server sees: HTTP drops the whitespace around a header value
        const seen = key?.replace(/^[ \t]+|[ \t]+$/g, '');
        const first = seen === undefined ? undefined : firstByKey.get(seen);
        if (res.status === 422) {
          expect(res.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
          expect(first && first.path !== path, `a 422 for key ${JSON.stringify(seen)} whose first use was ${JSON.stringify(first)}`).toBe(true);
        }
        if (res.status < 300) {
          executionsOfW.add(res.body.executionId);
          if (seen !== undefined) {
            expect(/^[\x21-\x7e]{1,200}$/.test(seen), `accepted Idempotency-Key ${JSON.stringify(key)}`).toBe(true);
            if (first) expect(res.body, 'a repeated request answers the first execution').toMatchObject({ executionId: first.executionId, replayed: true });
            else firstByKey.set(seen, { executionId: res.body.executionId, path });
          }
        }
      }),
      props(50),
    );
    // the same key twice (the property may not have repeated one): the same execution
    const key = `fuzz-${run}`;
    const first = await send('POST', `/workFlow/${W}/test`, '{"triggerData":{"phone_number":"+919800000009"}}', { 'idempotency-key': key });
    const again = await send('POST', `/workFlow/${W}/test`, '{"triggerData":{"phone_number":"+919800000009"}}', { 'idempotency-key': key });
    expect([first.status, again.status]).toEqual([202, 202]);
    expect(again.body).toMatchObject({ executionId: first.body.executionId, replayed: true });
    executionsOfW.add(first.body.executionId);
  });

  it('hostile templates are data: prototype paths render as written, never as code or inherited values', async () => {
    const FORBIDDEN = [
      '{{__proto__}}', '{{ __proto__ }}', '{{constructor}}', '{{constructor.constructor}}', '{{__proto__.polluted}}', '{{prototype}}',
      '{{steps.t.__proto__}}', '{{steps.__proto__.x}}', '{{steps.t.constructor.name}}', '{{toString}}', '{{valueOf}}', '{{hasOwnProperty}}',
      '{{message_text.length}}', '{{message_text.constructor}}', '{{phone_number.__proto__}}', "{{constructor.constructor('return process')()}}", '{{__defineGetter__}}',
    ];
    const fragment = fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...FORBIDDEN).map((f) => ({ text: f, expected: f })) },
      { weight: 1, arbitrary: fc.constant({ text: '{{message_text}}', expected: 'hello fuzz' }) },
      // starts with a letter: a message of only spaces is one WhatsApp refuses (text.body is required)
      { weight: 2, arbitrary: fc.stringMatching(/^[a-z][a-z ]{0,7}$/).map((s) => ({ text: s, expected: s })) },
    );
    const phones = new Set<string>();
    await fc.assert(
      fc.asyncProperty(fc.array(fragment, { minLength: 1, maxLength: 6 }), async (fragments) => {
        const template = fragments.map((f) => f.text).join(' ');
        const expected = fragments.map((f) => f.expected).join(' ');
        let phone = '';
        do phone = `+9197${String(randomInt(10_000_000, 99_999_999))}`;
        while (phones.has(phone));
        phones.add(phone);
        const steps = [okTrigger, { ...okAction, config: { actionType: 'send_whatsapp', messageTemplate: template } }];
        const wf = await send('POST', '/workFlow', JSON.stringify({ name: 'template fuzz', steps }));
        checkAnswer(`create with template ${template}`, wf, 'POST');
        expect(wf.status).toBe(201);
        created.add(wf.body.id);
        const triggerData = `{"phone_number":"${phone}","message_text":"hello fuzz","__proto__":{"polluted":"yes","message_text":"polluted"},"constructor":{"prototype":{"polluted":"yes"}}}`;
        const done = await send('POST', `/workFlow/${wf.body.id}/execute?wait=20`, `{"triggerData":${triggerData}}`);
        checkAnswer(`execute template ${template}`, done, 'POST');
        expect(done.status, done.text).toBe(200);
        expect(done.body.execution.status, done.text).toBe('completed');
        const deliveries = (await (await fetch(`${inject('system').standIns.whatsapp}/__admin/deliveries`)).json()) as { deliveries: { to: string; text: string }[] };
        const mine = deliveries.deliveries.filter((d) => d.to === phone.replace(/^\+/, '') || d.to === phone);
        expect(mine.map((d) => d.text)).toEqual([expected]);
      }),
      { ...props(12), numRuns: 12 }, // each run waits for an execution: not scaled
    );
  });

  it('hostile tokens (claims, lengths, algorithms, kid, keys): never a 5xx; exactly the tokens the rules accept get in', async () => {
    const { header, claims, build, accepts } = tokenFuzz(inject('system'), `org-fuzz-tok-${run}`);
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(header, claims, async (h, c) => {
        const { jwt, head, payload } = build(h, c);
        const now = Math.floor(Date.now() / 1000);
        const res = await send('GET', '/workFlow?limit=1', undefined, { authorization: `Bearer ${jwt}` });
        const what = `token ${JSON.stringify(head)} ${JSON.stringify({ ...payload, pad: payload.pad ? `${String(payload.pad).length} chars` : undefined })} by ${h.signer}`;
        checkAnswer(what, res, 'GET');
        const expected = accepts(h, payload, now);
        expect(res.status, `${what} → ${res.text.slice(0, 200)}`).toBe(expected ? 200 : 401);
        if (expected) accepted++;
      }),
      props(200),
    );
    // the rules do let tokens in: the property was not vacuous
    expect(accepted).toBeGreaterThan(0);
  });

  it('hostile requests to /channels: no 5xx, the error shape, and the registry holds exactly what was accepted', async () => {
    const held = new Map<string, string>(); // `${kind}:${value}` → value, as the gateway answered
    const kind = fc.oneof({ weight: 4, arbitrary: fc.constantFrom('whatsapp', 'email') }, fc.constantFrom('sms', '', 'WHATSAPP', '__proto__', 'constructor'), hostileValue);
    const value = fc.oneof(
      fc.integer({ min: 1, max: 999_999 }).map((n) => `9${run.replace(/\D/g, '').slice(0, 4)}${n}`),
      fc.stringMatching(/^[a-z]{1,8}$/).map((n) => `${n}-${run}@fuzz.example`),
      fc.stringMatching(/^[a-z]{1,8}$/).map((n) => `"${n}" <${n}-${run}@Fuzz.Example>`),
      nastyString,
      hostileValue,
    );
    const route = fc.oneof(
      fc.record({ kind, value, label: fc.option(nastyString, { nil: undefined }) }, { requiredKeys: [] }).map((b) => ({ method: 'POST', path: '/channels', body: JSON.stringify(b) })),
      rawText.map((body) => ({ method: 'POST', path: '/channels', body })),
      fc.constantFrom(...PROTO_KEYS).map((k) => ({ method: 'POST', path: '/channels', body: `{"kind":"email","value":"x-${run}@fuzz.example",${JSON.stringify(k)}:{"orgId":"someone-else"}}` })),
      fc.tuple(fc.oneof(fc.constantFrom('whatsapp', 'email'), hostileId), fc.oneof(value.map((v) => pathSegment(typeof v === 'string' ? v : (JSON.stringify(v) ?? 'undefined'))), hostileId)).map(([k, v]) => ({ method: 'DELETE', path: `/channels/${k}/${v}` })),
      query.map((q) => ({ method: 'GET', path: `/channels${q}` })),
      fc.constantFrom('/channels/', '/channels//', '/channels/email', '/channels/email/', '/CHANNELS').map((path) => ({ method: 'GET', path })),
    );
    await fc.assert(
      fc.asyncProperty(route, async (r) => {
        const res = await send(r.method, r.path, 'body' in r ? r.body : undefined);
        checkAnswer(`${r.method} ${r.path.slice(0, 120)} ${'body' in r ? String(r.body).slice(0, 200) : ''}`, res, r.method);
        if (r.method === 'POST' && (res.status === 201 || res.status === 200)) held.set(`${res.body.channel.kind}:${res.body.channel.value}`, res.body.channel.value);
        if (r.method === 'POST' && res.status === 201) expect(res.body.created).toBe(true);
        if (r.method === 'DELETE' && res.status === 200) held.delete(`${res.body.removed.kind}:${res.body.removed.value}`);
      }),
      props(150),
    );
    const listed = await api.get('/channels');
    expect(listed.status).toBe(200);
    expect(listed.body.channels.map((c: any) => `${c.kind}:${c.value}`).sort()).toEqual([...held.keys()].sort());
    for (const c of listed.body.channels) expect(c.kind === 'whatsapp' ? /^\d{1,30}$/.test(c.value) : /^[^\sA-Z]+@[^\sA-Z]+$/.test(c.value), JSON.stringify(c)).toBe(true);
  });

  it('after all of it: every service is up, the counts add up, and the API still works', async () => {
    const system = inject('system');
    for (const [name, url] of Object.entries(system.opsUrls)) {
      const res = await fetch(`${url}/healthz`);
      expect(res.status, `${name} /healthz`).toBe(200);
    }
    expect(await total()).toBe(workflowsBefore + created.size);
    expect((await api.get(`/workFlow/${W}`)).body).toMatchObject({ status: 'active', latestVersion: 1 });
    expect((await api.get(`/workFlow/${P}`)).body.latestVersion).toBe(versionsOfP);
    // every accepted execution is recorded, and nothing else is
    const recorded = async () => {
      const ids = new Set<string>();
      for (let page = 1; ; page += 1) {
        const res = await api.get(`/workFlow/${W}/executions?limit=100&page=${page}`);
        for (const e of res.body.executions) ids.add(e.executionId);
        if (page >= res.body.pages) return ids;
      }
    };
    const ids = await eventually(async () => {
      const now = await recorded();
      return now.size >= executionsOfW.size ? now : undefined;
    }, { timeoutMs: 30_000, what: `${executionsOfW.size} executions of the fuzz target recorded` }).catch(recorded);
    const missing = [...executionsOfW].filter((id) => !ids.has(id)).map((id) => `${id} ← ${startedBy.get(id) ?? '?'}`);
    expect(missing, 'accepted executions that were never recorded').toEqual([]);
    expect([...ids].sort(), 'executions recorded vs accepted').toEqual([...executionsOfW].sort());
    // a clean workflow still validates and runs
    const clean = await api.post('/workFlow', { name: 'after the fuzz', steps: okSteps });
    expect(clean.status).toBe(201);
    expect((await api.post(`/workFlow/${clean.body.id}/validate`)).body).toEqual({ success: true, valid: true, errors: [] });
    const done = await api.post(`/workFlow/${clean.body.id}/execute?wait=20`, { triggerData: { phone_number: '+919800000009', message_text: 'after' } });
    expect(done.body.execution?.status, JSON.stringify(done.body)).toBe('completed');
    process.stdout.write(`[fuzz] ${requests} requests; ${created.size} workflows and ${executionsOfW.size} executions accepted\n`);
  });
});
