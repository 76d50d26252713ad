/**
 * SMTP stand-in: a real SMTP server (smtp-server, plain text, any AUTH or none) that parses each
 * message with mailparser and keeps it. Knobs apply at the DATA stage: injected failures answer
 * with SMTP reply code `errorStatus` (default 451, a temporary failure). A side HTTP port serves
 * the /__admin/* routes (deliveries = received mails).
 */
import { SMTPServer } from 'smtp-server';
import { simpleParser, type AddressObject } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { startHttpStandIn, urlHost } from './http.js';
import { DEFAULT_KNOBS, Faults, Journal, type Knobs, type RecordedRequest } from './knobs.js';

export interface ReceivedMail {
  /** Address from the From header (envelope MAIL FROM when absent). */
  from: string;
  /** Envelope recipients (RCPT TO). */
  to: string[];
  subject: string;
  text: string;
  html?: string;
  messageId: string;
  /** Header lines, lower-cased names; repeated headers joined with "\n". */
  headers: Record<string, string>;
  envelope: { mailFrom: string; rcptTo: string[] };
  /** AUTH user name when the client authenticated. */
  user?: string;
  receivedAt: string;
}

export interface SmtpOptions {
  port?: number;
  adminPort?: number;
  host?: string;
}

export interface SmtpStandIn {
  readonly host: string;
  readonly port: number;
  /** `smtp://host:port` */
  readonly url: string;
  readonly adminUrl: string;
  readonly adminPort: number;
  messages(): ReceivedMail[];
  requests(): RecordedRequest[];
  setKnobs(k: Partial<Knobs>): void;
  knobs(): Knobs;
  reset(): void;
  close(): Promise<void>;
}

const firstAddress = (a: AddressObject | AddressObject[] | undefined): string | undefined =>
  (Array.isArray(a) ? a[0] : a)?.value[0]?.address;

export async function startSmtp(opts: SmtpOptions = {}): Promise<SmtpStandIn> {
  const bindHost = opts.host ?? '127.0.0.1';
  const faults = new Faults({ ...DEFAULT_KNOBS, errorStatus: 451 });
  const journal = new Journal<RecordedRequest>();
  let mails: ReceivedMail[] = [];

  const server = new SMTPServer({
    secure: false,
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    closeTimeout: 200,
    size: 10 * 1024 * 1024,
    onAuth(auth, _session, cb) {
      cb(null, { user: auth.username ?? 'anonymous' });
    },
    onData(stream, session, cb) {
      const time = new Date().toISOString();
      const fail = faults.shouldFail();
      const knobs = faults.knobs;
      const mailFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
      const rcptTo = session.envelope.rcptTo.map((r) => r.address);
      void (async () => {
        const parsed = await simpleParser(stream);
        await faults.delay();
        const headers: Record<string, string> = {};
        for (const { key, line } of parsed.headerLines) {
          const value = line.slice(line.indexOf(':') + 1).replace(/\r?\n[ \t]+/g, ' ').trim();
          headers[key] = headers[key] === undefined ? value : `${headers[key]}\n${value}`;
        }
        const mail: ReceivedMail = {
          from: firstAddress(parsed.from) ?? mailFrom,
          to: rcptTo,
          subject: parsed.subject ?? '',
          text: (parsed.text ?? '').replace(/\r?\n$/, ''),
          messageId: parsed.messageId ?? '',
          headers,
          envelope: { mailFrom, rcptTo },
          receivedAt: time,
          ...(typeof parsed.html === 'string' ? { html: parsed.html } : {}),
          ...(typeof session.user === 'string' ? { user: session.user } : {}),
        };
        const accept = !fail || knobs.faultPhase === 'after';
        if (accept) mails.push(mail);
        const status = fail ? knobs.errorStatus : 250;
        journal.push({
          method: 'DATA', path: '/', query: {}, time, status,
          headers: { 'mail-from': mailFrom, 'rcpt-to': rcptTo.join(', ') },
          body: { subject: mail.subject, messageId: mail.messageId },
        });
        if (fail) {
          const err = Object.assign(new Error(`Injected failure (stand-in knob, code ${status})`), { responseCode: status });
          cb(err);
        } else cb(null, `OK: message queued as ${mail.messageId || 'stand-in'}`);
      })().catch((err: unknown) => cb(Object.assign(new Error(`Stand-in could not parse the message: ${String(err)}`), { responseCode: 451 })));
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.on('error', reject);
    server.listen(opts.port ?? 0, bindHost, () => {
      server.off('error', reject);
      server.on('error', () => undefined);
      resolve();
    });
  });
  const port = (server.server.address() as AddressInfo).port;

  let admin: Awaited<ReturnType<typeof startHttpStandIn>>;
  try {
    admin = await startHttpStandIn({
      name: 'smtp',
      port: opts.adminPort ?? 0,
      host: bindHost,
      faults,
      journal,
      deliveries: () => structuredClone(mails),
      onReset: () => {
        mails = [];
      },
    });
  } catch (err) {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    throw err;
  }
  const host = ['0.0.0.0', '::', ''].includes(bindHost) ? '127.0.0.1' : bindHost;

  return {
    host,
    port,
    url: `smtp://${urlHost(host)}:${port}`,
    adminUrl: admin.url,
    adminPort: admin.port,
    messages: () => structuredClone(mails),
    requests: () => journal.list(),
    setKnobs: (k) => faults.set(k),
    knobs: () => faults.knobs,
    reset: () => admin.reset(),
    close: async () => {
      await Promise.all([new Promise<void>((resolve) => server.close(() => resolve())), admin.close()]);
    },
  };
}
