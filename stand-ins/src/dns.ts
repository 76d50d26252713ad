/**
 * DNS stand-in: a UDP server that answers A and AAAA queries from a fixed table (name → addresses)
 * and NXDOMAIN for anything else, with TTL 0 so nothing is cached. Point a resolver at it
 * (`dns.Resolver#setServers(['127.0.0.1:<port>'])`) to make a test name resolve where the test
 * needs it: a link-local address, or several addresses at once.
 */
import dgram from 'node:dgram';
import { isIP } from 'node:net';

export interface DnsStandIn {
  readonly host: string;
  readonly port: number;
  /** `host:port`, as resolvers take it */
  readonly server: string;
  /** names asked for, in order */
  queries(): { name: string; type: 'A' | 'AAAA' | 'other' }[];
  close(): Promise<void>;
}

const TYPE_A = 1;
const TYPE_AAAA = 28;

function readName(msg: Buffer, offset: number): { name: string; end: number } | null {
  const labels: string[] = [];
  let at = offset;
  while (at < msg.length) {
    const len = msg[at] ?? 0;
    if (len === 0) return { name: labels.join('.').toLowerCase(), end: at + 1 };
    if (len > 63 || at + 1 + len > msg.length) return null;
    labels.push(msg.subarray(at + 1, at + 1 + len).toString('latin1'));
    at += 1 + len;
  }
  return null;
}

function addressBytes(address: string): Buffer {
  if (isIP(address) === 4) return Buffer.from(address.split('.').map(Number));
  const [head = '', tail = ''] = address.split('::');
  const groups = (part: string) => (part ? part.split(':').map((g) => parseInt(g, 16)) : []);
  const h = groups(head);
  const t = groups(tail);
  const all = address.includes('::') ? [...h, ...Array<number>(8 - h.length - t.length).fill(0), ...t] : h;
  const out = Buffer.alloc(16);
  for (const [i, g] of all.entries()) out.writeUInt16BE(g, i * 2);
  return out;
}

/** One answer to one query, or null when the query cannot be read (dropped, as a server would). */
export function answerQuery(query: Buffer, records: Readonly<Record<string, readonly string[]>>): { response: Buffer; name: string; type: number } | null {
  if (query.length < 12 || query.readUInt16BE(4) < 1) return null;
  const q = readName(query, 12);
  if (!q || q.end + 4 > query.length) return null;
  const type = query.readUInt16BE(q.end);
  const question = query.subarray(12, q.end + 4);
  const known = Object.hasOwn(records, q.name) ? records[q.name] ?? [] : undefined;
  const wanted = type === TYPE_A ? 4 : type === TYPE_AAAA ? 6 : 0;
  const answers = (known ?? []).filter((a) => isIP(a) === wanted).map((a) => {
    const data = addressBytes(a);
    const rr = Buffer.alloc(12);
    rr.writeUInt16BE(0xc00c, 0); // pointer to the question's name
    rr.writeUInt16BE(type, 2);
    rr.writeUInt16BE(1, 4); // IN
    rr.writeUInt32BE(0, 6); // TTL 0
    rr.writeUInt16BE(data.length, 10);
    return Buffer.concat([rr, data]);
  });
  const header = Buffer.alloc(12);
  header.writeUInt16BE(query.readUInt16BE(0), 0);
  header.writeUInt16BE(0x8180 | (known === undefined ? 3 : 0), 2); // response, recursion available; NXDOMAIN for unknown names
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(answers.length, 6);
  return { response: Buffer.concat([header, question, ...answers]), name: q.name, type };
}

export async function startDns(opts: { records: Record<string, string[]>; port?: number; host?: string }): Promise<DnsStandIn> {
  const host = opts.host ?? '127.0.0.1';
  const records = Object.fromEntries(Object.entries(opts.records).map(([name, addresses]) => [name.toLowerCase(), addresses]));
  const seen: { name: string; type: 'A' | 'AAAA' | 'other' }[] = [];
  const socket = dgram.createSocket(isIP(host) === 6 ? 'udp6' : 'udp4');
  socket.on('message', (msg, from) => {
    const answer = answerQuery(msg, records);
    if (!answer) return;
    seen.push({ name: answer.name, type: answer.type === TYPE_A ? 'A' : answer.type === TYPE_AAAA ? 'AAAA' : 'other' });
    if (seen.length > 10_000) seen.shift();
    socket.send(answer.response, from.port, from.address);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(opts.port ?? 0, host, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  const port = socket.address().port;
  return {
    host,
    port,
    server: isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`,
    queries: () => [...seen],
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
