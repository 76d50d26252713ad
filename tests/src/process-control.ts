import { createServer, type Server } from 'node:http';
import type { ManagedProcess } from '@botwot/local-servers';

/**
 * A tiny HTTP server in the global-setup process that lets tests (which run in workers) kill,
 * signal and restart the real processes of the running system:
 *   GET  /processes                      → { name: pid }
 *   POST /processes/:name/kill           → SIGKILL, waits until it is gone
 *   POST /processes/:name/signal/:SIG    → sends the signal (e.g. SIGTERM) and returns
 *   POST /processes/:name/restart        → starts it again (same ports and data) and waits until ready
 */
export async function startProcessControl(processes: Map<string, ManagedProcess>): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const parts = (req.url ?? '').split('/').filter(Boolean);
    if (req.method === 'GET' && parts[0] === 'processes' && parts.length === 1) {
      return reply(200, Object.fromEntries([...processes].map(([n, p]) => [n, p.pid ?? null])));
    }
    const proc = parts[0] === 'processes' && parts[1] ? processes.get(parts[1]) : undefined;
    if (req.method !== 'POST' || !proc) return reply(404, { error: 'unknown process or route' });
    const action = parts[2];
    const run =
      action === 'kill'
        ? proc.kill('SIGKILL')
        : action === 'restart'
          ? proc.restart()
          : action === 'signal' && parts[3]
            ? proc.kill(parts[3] as NodeJS.Signals)
            : Promise.reject(new Error(`unknown action ${String(action)}`));
    run.then(
      () => reply(200, { name: parts[1], action, pid: proc.pid ?? null }),
      (error: unknown) => reply(500, { error: (error as Error).message }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
