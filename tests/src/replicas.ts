import path from 'node:path';
import { inject } from 'vitest';
import { repoRoot, startService, type RunningService } from '@botwot/launcher';

/**
 * Starts another gateway process against the test stack's Kafka and Mongo, with `env` on top of
 * what the stack's services got: a second replica, or one configured differently (low limits, an
 * unreachable identity provider). Stop it with `.process.stop()`.
 */
export async function startGatewayReplica(name: string, env: Record<string, string>): Promise<RunningService> {
  const system = inject('system');
  const repo = repoRoot();
  return startService({
    repo,
    root: path.join(repo, '.local'),
    name: 'gateway',
    stack: `${process.env.BOTWOT_TEST_STACK ?? 'test'}-${name}`,
    env: { ...system.serviceEnv, INSTANCE_ID: `gateway-${name}`, ...env },
  });
}
