import path from 'node:path';
import { devToken } from './dev-token.js';
import { repoRoot, startSystem, type RunningSystem } from './system.js';

/** `npm start`: the whole system on fixed local ports, an example workflow, and how to call it. Ctrl-C stops everything. */
const repo = repoRoot();
const log = (line: string) => process.stdout.write(`${line}\n`);

async function exampleWorkflow(system: RunningSystem, token: string): Promise<string> {
  const res = await fetch(`${system.gatewayUrl}/workFlow`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'Example: WhatsApp question answered by an agent',
      steps: [
        { stepId: 'trigger', stepType: 'trigger', config: { triggerType: 'whatsapp' }, nextStepId: 'agent' },
        { stepId: 'agent', stepType: 'agent', config: { agentType: 'conversational', inputText: '{{message_text}}' }, nextStepId: 'reply' },
        { stepId: 'reply', stepType: 'action', config: { actionType: 'send_whatsapp', recipient: 'trigger', messageTemplate: '{{agent_response}}' } },
      ],
    }),
  });
  if (!res.ok) throw new Error(`creating the example workflow failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

/** `npm start -- --replicas 2`: processes of each service (1 by default). */
function replicasFrom(argv: string[]): number {
  const at = argv.indexOf('--replicas');
  const value = at >= 0 ? Number(argv[at + 1]) : 1;
  if (!Number.isInteger(value) || value < 1 || value > 8) throw new Error('--replicas takes a whole number from 1 to 8');
  return value;
}

let system: RunningSystem | undefined;
let stopping = false;
const stop = async (code: number) => {
  if (stopping) return;
  stopping = true;
  log('\nstopping everything ...');
  await system?.stop();
  log('stopped.');
  process.exit(code);
};
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
// A parent stopped outright (SIGKILL) passes on no signal: once orphaned, stop what was started.
const parent = process.ppid;
setInterval(() => process.ppid !== parent && void stop(0), 1000).unref();

try {
  system = await startSystem({
    repo,
    root: path.join(repo, '.local'),
    name: 'dev',
    fresh: false,
    ports: { gateway: Number(process.env.PORT ?? 3001), standIns: 'default' },
    schemaRegistry: process.env.SCHEMA_REGISTRY !== 'off',
    env: process.env,
    replicas: replicasFrom(process.argv),
    log,
  });
  const token = await devToken({ secret: system.jwtSecret, issuer: system.jwtIssuer, audience: system.jwtAudience });
  const workflowId = await exampleWorkflow(system, token);
  const url = system.gatewayUrl;
  log(`
BotWot execution engine is up.

  gateway      ${url}   (metrics: ${url}/metrics)
  console      ${url}/console#token=${token}
  kafka        ${system.kafkaBrokers.join(',')}
  mongo        ${system.mongoUrl}
  registry     ${system.schemaRegistryUrl ?? '(off: events are zod-validated JSON)'}
  logs         ${path.join(repo, '.local', 'logs')}

A dev JWT (org "org-dev", user "user-dev"; make another with: npm run dev-token -- --org <org> --user <user>):

  export TOKEN=${token}

Run the example workflow ${workflowId} (WhatsApp trigger -> conversational agent -> WhatsApp reply) and wait for it:

  curl -s -X POST '${url}/workFlow/${workflowId}/execute?wait=10' \\
    -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \\
    -d '{"triggerData":{"phone_number":"+919876543210","message_text":"Hello"}}'

Then read it back with its step logs:

  curl -s ${url}/workFlow/execution/<executionId> -H "Authorization: Bearer $TOKEN"

or open the console link above (it signs in as org-dev; the token leaves the address at once).

Ctrl-C stops everything.`);
} catch (error) {
  log(`start failed: ${(error as Error).stack ?? String(error)}`);
  await stop(1);
}
