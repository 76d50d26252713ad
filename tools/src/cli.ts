import { brokerList } from '@botwot/shared/config';
import { connectMongo } from '@botwot/shared/db';
import { createKafka } from '@botwot/shared/kafka';
import { createLogger } from '@botwot/shared/observability';
import { parseCli, USAGE, type CliCommand } from './cli-args.js';
import { readConfig } from './config.js';
import { UsageError } from '@botwot/shared/dead-letters';
import { createDlqTool } from '@botwot/shared/dead-letters';
import { runCommand } from './run-command.js';

/** `npm run dlq -- list|show|replay`: the composition root of the dead-letter tool. */
const out = (line: string) => process.stdout.write(`${line}\n`);
const note = (line: string) => process.stderr.write(`${line}\n`);

let command: CliCommand;
try {
  command = parseCli(process.argv.slice(2), Date.now());
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  note(`dlq: ${error.message}\n\n${USAGE}`);
  process.exit(2);
}
if (command.command === 'help') {
  out(USAGE);
  process.exit(0);
}

const config = readConfig();
const logger = createLogger('dlq-tool', config.LOG_LEVEL, process.stderr);
const kafka = createKafka({ brokers: brokerList(config.KAFKA_BROKERS), clientId: 'botwot-dlq-tool', logger });
const tool = createDlqTool({
  kafka,
  connectMongo: () => connectMongo(config.MONGO_URL, { appName: 'botwot-dlq-tool', maxPoolSize: config.MONGO_MAX_POOL_SIZE }),
  wireFormat: config.SCHEMA_REGISTRY_URL !== 'off',
  readTimeoutMs: config.DLQ_READ_TIMEOUT_MS,
});

let code = 1;
try {
  code = await runCommand(command, { tool, out, note, now: Date.now, registryUrl: config.SCHEMA_REGISTRY_URL === 'off' ? undefined : config.SCHEMA_REGISTRY_URL });
} catch (error) {
  note(`dlq: ${(error as Error).message}`);
} finally {
  await tool.close().catch(() => undefined);
}
process.exit(code);
