import path from 'node:path';
import { inject } from 'vitest';
import { repoRoot, startService, type RunningService, type ServiceName } from '@botwot/launcher';

/**
 * Starts one more process of a service against the test stack's Kafka and Mongo, with `env` on
 * top of what the stack's services got: another replica (INSTANCE_ID `<service>-<replica>`), or one
 * configured differently (low limits, an unreachable identity provider). Stop it with
 * `.process.stop()`; `.process.kill()` and `.process.restart()` are there for fault tests.
 */
export async function startReplica(service: ServiceName, replica: number, env: Record<string, string> = {}): Promise<RunningService> {
  const system = inject('system');
  const repo = repoRoot();
  return startService({
    repo,
    root: path.join(repo, '.local'),
    name: service,
    stack: process.env.BOTWOT_TEST_STACK ?? 'test',
    replica,
    env: { ...system.serviceEnv, ...env },
  });
}

/** Another gateway process named for what a test does with it (its INSTANCE_ID and pidfile carry the name). */
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
