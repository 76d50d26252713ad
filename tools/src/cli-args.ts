import { parseArgs } from 'node:util';
import { uniqueIds, UsageError, type DeadLetterId } from '@botwot/shared/dead-letters';
import { hasFilters, parseLimit, parseTime, type Filters } from '@botwot/shared/dead-letters';

export type CliCommand =
  | { command: 'help' }
  | { command: 'list'; filters: Filters; json: boolean }
  | { command: 'show'; id: DeadLetterId; json: boolean }
  | { command: 'replay'; ids: DeadLetterId[] | undefined; filters: Filters; json: boolean; dryRun: boolean; force: boolean };

export const USAGE = `npm run dlq -- <command> [options]

  list                 the dead letters, oldest first: id, age, source topic, event type, ids, reason
  show <id>            one dead letter: headers, the event as JSON, or a preview of bytes that are not one
  replay <id...>       send dead letters back to their source topic, each unless already handled
  replay [filters]     the same for every dead letter that matches the filters

An id is <partition>:<offset> on workflow.dead-letter, as list prints it.

filters (list, replay):
  --topic <topic>      source topic, e.g. workflow.execution.requested
  --reason <text>      reason contains this text (any case)
  --since <time>       dead-lettered at or after: ISO time, or an age (30m, 1h, 24h, 7d)
  --until <time>       dead-lettered before: the same forms
  --org <orgId>        the event's org
  --type <type>        the event type, e.g. step.command
  --limit <n>          the newest n that match (list: 50 unless given)

options:
  --json               one JSON object per line
  --dry-run            replay: say what would happen to each, send nothing
  --force              replay: also replay poison, and work replayed before that is not recorded as handled yet

environment: KAFKA_BROKERS, MONGO_URL, SCHEMA_REGISTRY_URL (defaults: the local stack of npm start)`;

const DEFAULT_LIST_LIMIT = 50;

/** node's parseArgs with this CLI's options; its errors become UsageError. */
function readArgs(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        topic: { type: 'string' },
        reason: { type: 'string' },
        since: { type: 'string' },
        until: { type: 'string' },
        org: { type: 'string' },
        type: { type: 'string' },
        limit: { type: 'string' },
        json: { type: 'boolean', default: false },
        'dry-run': { type: 'boolean', default: false },
        force: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** Parses the command line; throws UsageError for anything it cannot use. */
export function parseCli(argv: string[], now: number): CliCommand {
  const { values, positionals } = readArgs(argv);
  const [command, ...rest] = positionals;
  if (values.help || command === undefined || command === 'help') return { command: 'help' };

  const filters: Filters = {
    ...(values.topic !== undefined ? { topic: values.topic } : {}),
    ...(values.reason !== undefined ? { reason: values.reason } : {}),
    ...(values.since !== undefined ? { since: parseTime(values.since, now) } : {}),
    ...(values.until !== undefined ? { until: parseTime(values.until, now) } : {}),
    ...(values.org !== undefined ? { org: values.org } : {}),
    ...(values.type !== undefined ? { type: values.type } : {}),
    ...(values.limit !== undefined ? { limit: parseLimit(values.limit) } : {}),
  };
  const replayOnly = values['dry-run'] || values.force;

  switch (command) {
    case 'list':
      if (rest.length > 0) throw new UsageError(`list takes no ids (got ${rest.join(' ')}): use show <id>`);
      if (replayOnly) throw new UsageError('--dry-run and --force belong to replay');
      return { command: 'list', filters: { limit: DEFAULT_LIST_LIMIT, ...filters }, json: values.json };
    case 'show': {
      if (rest.length !== 1) throw new UsageError('show takes exactly one id');
      if (replayOnly || hasFilters(filters) || filters.limit !== undefined) throw new UsageError('show takes an id and --json only');
      const [id] = uniqueIds(rest);
      return { command: 'show', id: id as DeadLetterId, json: values.json };
    }
    case 'replay': {
      const ids = rest.length > 0 ? uniqueIds(rest) : undefined;
      if (!ids && !hasFilters(filters)) throw new UsageError('replay needs ids or at least one filter (e.g. --topic, --since 1h): it never replays the whole topic by default');
      return { command: 'replay', ids, filters, json: values.json, dryRun: values['dry-run'], force: values.force };
    }
    default:
      throw new UsageError(`unknown command "${command}": use list, show or replay`);
  }
}
