/** The benchmark's command-line options: parsed once, checked, and printed at the start of a run. */
import path from 'node:path';
import { parseArgs } from 'node:util';

export const READ_ENDPOINTS = ['execution', 'list'] as const;
export type ReadEndpointName = (typeof READ_ENDPOINTS)[number];

export interface BenchOptions {
  /** executions offered per second (open loop: sent on schedule whether or not earlier ones answered) */
  rate: number;
  /** length of the measured window, s */
  durationS: number;
  /** load at the same rate before the measured window, s; its executions are not in the latency figures */
  warmupS: number;
  /** stand-in latency of BotCore and every provider, ms */
  latencyMs: number;
  /** share (0..1) of BotCore calls that take `slowMs` longer */
  slowShare: number;
  /** extra delay of the slow BotCore calls, ms */
  slowMs: number;
  /** executions stored before the measured run (topped up through the API when fewer are) */
  stored: number;
  /** keep the stack's data (Kafka, database) from the last `bench` run instead of starting fresh */
  reuse: boolean;
  /** execute requests sent but not answered yet, at most; a scheduled request beyond it is skipped and counted */
  maxOutstanding: number;
  /** after the load, how long to wait for the executions still running, s */
  drainS: number;
  /** GET requests per second to each read endpoint while the measured window runs */
  readRate: number;
  /** which endpoints are read: one execution, a list page (both by default; one alone shows what it costs) */
  reads: ReadEndpointName[];
  /** the results file a section is appended to; the plot goes to plots/ beside it */
  out: string;
  /** start a schema registry (off: events are plain JSON) */
  registry: boolean;
}

const USAGE = `npm run bench -- [options]

  --rate <n>             executions offered per second, open loop (100)
  --duration <s>         measured window (60)
  --warmup <s>           load before the measured window, not measured (10)
  --latency <ms>         stand-in latency of BotCore and the providers (20)
  --slow-share <0..1>    share of BotCore calls that take --slow-ms longer (0)
  --slow-ms <ms>         extra delay of those calls (5000)
  --stored <n>           at least n executions stored before the run, filled through the API (0)
  --reuse                keep the data of the last bench stack (build a large store once)
  --max-outstanding <n>  unanswered execute requests at most; beyond, a request is skipped (1000)
  --drain <s>            wait for running executions after the load (120)
  --read-rate <n>        reads per second of each read endpoint during the window (5)
  --reads <list>         the read endpoints, comma-separated: execution, list (both)
  --out <file>           results file to append to (bench/results.md); plot in plots/ beside it
  --no-registry          run without the schema registry (events as plain JSON)
  --help`;

function number(name: string, raw: string, check: (n: number) => boolean, what: string): number {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || !check(n)) throw new Error(`--${name} must be ${what}, got '${raw}'`);
  return n;
}

const positive = (n: number) => n > 0;
const nonNegative = (n: number) => n >= 0;
const share = (n: number) => n >= 0 && n <= 1;
const count = (n: number) => Number.isInteger(n) && n >= 0;

/** Parses argv (without node and script); throws with the usage text on anything it does not understand. */
export function parseBenchOptions(argv: string[], repo: string): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      rate: { type: 'string', default: '100' },
      duration: { type: 'string', default: '60' },
      warmup: { type: 'string', default: '10' },
      latency: { type: 'string', default: '20' },
      'slow-share': { type: 'string', default: '0' },
      'slow-ms': { type: 'string', default: '5000' },
      stored: { type: 'string', default: '0' },
      reuse: { type: 'boolean', default: false },
      'max-outstanding': { type: 'string', default: '1000' },
      drain: { type: 'string', default: '120' },
      'read-rate': { type: 'string', default: '5' },
      reads: { type: 'string', default: READ_ENDPOINTS.join(',') },
      out: { type: 'string', default: path.join(repo, 'bench', 'results.md') },
      'no-registry': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return 'help';
  return {
    rate: number('rate', values.rate, positive, 'a number > 0'),
    durationS: number('duration', values.duration, positive, 'a number of seconds > 0'),
    warmupS: number('warmup', values.warmup, nonNegative, 'a number of seconds >= 0'),
    latencyMs: number('latency', values.latency, nonNegative, 'a number of ms >= 0'),
    slowShare: number('slow-share', values['slow-share'], share, 'a number in 0..1'),
    slowMs: number('slow-ms', values['slow-ms'], nonNegative, 'a number of ms >= 0'),
    stored: number('stored', values.stored, count, 'an integer >= 0'),
    reuse: values.reuse,
    maxOutstanding: number('max-outstanding', values['max-outstanding'], (n) => count(n) && n > 0, 'an integer > 0'),
    drainS: number('drain', values.drain, nonNegative, 'a number of seconds >= 0'),
    readRate: number('read-rate', values['read-rate'], nonNegative, 'a number >= 0 (0: no reads)'),
    reads: readEndpoints(values.reads),
    out: path.resolve(values.out),
    registry: !values['no-registry'],
  };
}

function readEndpoints(raw: string): ReadEndpointName[] {
  const names = raw.split(',').map((n) => n.trim());
  const unknown = names.filter((n) => !(READ_ENDPOINTS as readonly string[]).includes(n));
  if (unknown.length > 0 || names.length === 0) throw new Error(`--reads must list some of ${READ_ENDPOINTS.join(', ')}, got '${raw}'`);
  return READ_ENDPOINTS.filter((n) => names.includes(n));
}

export const usage = (): string => USAGE;

/** The options as one line of flags, for the start of a run and the results file. */
export function describeOptions(o: BenchOptions): string {
  return [
    `--rate ${o.rate}`,
    `--duration ${o.durationS}`,
    `--warmup ${o.warmupS}`,
    `--latency ${o.latencyMs}`,
    `--slow-share ${o.slowShare}`,
    `--slow-ms ${o.slowMs}`,
    `--stored ${o.stored}`,
    o.reuse ? '--reuse' : '',
    `--max-outstanding ${o.maxOutstanding}`,
    `--drain ${o.drainS}`,
    `--read-rate ${o.readRate}`,
    o.reads.length === READ_ENDPOINTS.length ? '' : `--reads ${o.reads.join(',')}`,
    o.registry ? '' : '--no-registry',
  ]
    .filter(Boolean)
    .join(' ');
}
