import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, lazyChild } from './logger.js';

/** A logger whose JSON lines land in an array. */
function capture() {
  const lines: Record<string, any>[] = [];
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        raw.push(line);
        lines.push(JSON.parse(line));
      }
      done();
    },
  });
  return { logger: createLogger('unit', 'info', stream), lines, raw };
}

const SECRETS = ['eyJhbGciOiJIUzI1NiJ9.payload.sig', 'Bearer abc.def.ghi', 's3cr3t-value', 'pa55word', 'hello, my card is 4111', 'Dear Sir, the attached', 'wa-access-token'];

describe('createLogger', () => {
  it('writes one JSON line with the service, level, time and fields', () => {
    const { logger, lines } = capture();
    logger.info({ executionId: 'e1', stepId: 's1', orgId: 'o1' }, 'step done');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ service: 'unit', level: 30, msg: 'step done', executionId: 'e1', stepId: 's1', orgId: 'o1', time: expect.any(String) });
  });

  it('redacts tokens, authorization headers, secrets, passwords and message bodies', () => {
    const { logger, lines, raw } = capture();
    logger.info(
      {
        token: SECRETS[0],
        authorization: SECRETS[1],
        headers: { authorization: SECRETS[1], 'content-type': 'application/json' },
        req: { headers: { authorization: SECRETS[1] }, url: '/workFlow' },
        secret: SECRETS[2],
        password: SECRETS[3],
        provider: { token: SECRETS[6], name: 'whatsapp' },
        message_text: SECRETS[4],
        email_body: SECRETS[5],
        triggerData: { message_text: SECRETS[4], email_body: SECRETS[5], phone_number: '+1555' },
      },
      'calling a provider',
    );
    const line = lines[0]!;
    expect(line).toMatchObject({
      token: '[redacted]',
      authorization: '[redacted]',
      headers: { authorization: '[redacted]', 'content-type': 'application/json' },
      req: { headers: { authorization: '[redacted]' }, url: '/workFlow' },
      secret: '[redacted]',
      password: '[redacted]',
      provider: { token: '[redacted]', name: 'whatsapp' },
      message_text: '[redacted]',
      email_body: '[redacted]',
      triggerData: { message_text: '[redacted]', email_body: '[redacted]', phone_number: '+1555' },
      msg: 'calling a provider',
    });
    for (const secret of SECRETS) expect(raw[0]).not.toContain(secret);
  });

  it('redacts in child loggers too', () => {
    const { logger, lines, raw } = capture();
    logger.child({ executionId: 'e2' }).warn({ secret: SECRETS[2], config: { auth: { token: SECRETS[6] } } }, 'child');
    expect(lines[0]).toMatchObject({ executionId: 'e2', secret: '[redacted]', config: { auth: '[redacted]' } });
    expect(raw[0]).not.toContain(SECRETS[2]);
    expect(raw[0]).not.toContain(SECRETS[6]);
  });
});

describe('lazyChild', () => {
  it('logs with its bindings, making the child only when a line is written', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write: (chunk: Buffer, _e, done) => {
        lines.push(chunk.toString());
        done();
      },
    });
    const root = createLogger('svc', 'info', sink);
    let made = 0;
    const countedChild = (b: Record<string, unknown>) => {
      made++;
      return root.child(b);
    };
    const parent = new Proxy(root, { get: (t, p) => (p === 'child' ? countedChild : Reflect.get(t, p)) });
    const log = lazyChild(parent, { executionId: 'e1' });
    log.debug('not written at info');
    expect(made).toBe(0);
    log.child({ stepId: 's1' }).warn('hello');
    await new Promise((r) => setImmediate(r));
    expect(made).toBe(1);
    expect(JSON.parse(lines[0] as string)).toMatchObject({ executionId: 'e1', stepId: 's1', msg: 'hello' });
  });
});
