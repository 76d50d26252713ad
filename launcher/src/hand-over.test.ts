import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './system.js';

/** `npm start` and `npm test` hand over to a child (scripts/hand-over.mjs): a signal to the outer process reaches the child. */
describe('the hand-over of npm start and npm test', () => {
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };

  /**
   * The hand-over runs a child that notes its pid, and on `signal` takes a moment to stop (as the
   * launcher does) and notes that too. With `viaShell`, the hand-over runs under `sh -c`, as npm
   * runs a script.
   */
  async function handOver(signal: string, viaShell = false) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hand-over-'));
    const noted = path.join(dir, 'child');
    const child = `require('node:fs').writeFileSync(${JSON.stringify(noted)}, String(process.pid));
      process.on(${JSON.stringify(signal)}, () => setTimeout(() => { require('node:fs').appendFileSync(${JSON.stringify(noted)}, ' stopped'); process.exit(3); }, 200));
      setInterval(() => {}, 1000);`;
    const script = pathToFileURL(path.join(repoRoot(), 'scripts', 'hand-over.mjs')).href;
    const args = ['--input-type=module', '-e', `import { runForwardingSignals } from ${JSON.stringify(script)};
      process.exit(await runForwardingSignals(process.execPath, ['-e', ${JSON.stringify(child)}]));`];
    // `; true` keeps sh from exec-ing node in its place: it stays the parent, as under npm
    const outer = viaShell ? spawn('sh', ['-c', `${[process.execPath, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ')}; true`]) : spawn(process.execPath, args);
    const exited = new Promise<number | null>((resolve) => outer.on('exit', (code) => resolve(code)));
    const deadline = Date.now() + 10_000;
    while (!fs.existsSync(noted) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const childPid = Number(fs.readFileSync(noted, 'utf8'));
    expect(alive(childPid)).toBe(true);
    const stopped = async () => {
      const until = Date.now() + 10_000;
      while (alive(childPid) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      return fs.readFileSync(noted, 'utf8') === `${childPid} stopped` && !alive(childPid);
    };
    return { outer, exited, stopped };
  }

  it.each(['SIGTERM', 'SIGINT', 'SIGHUP'] as const)('passes %s on to the child, waits for it to stop, and exits with its code', async (signal) => {
    const { outer, exited, stopped } = await handOver(signal);
    outer.kill(signal);
    expect(await exited).toBe(3);
    expect(await stopped()).toBe(true);
  });

  it('stops the child when its own parent dies without passing a signal on (npm kills its sh -c, which kills nothing)', async () => {
    const { outer, stopped } = await handOver('SIGTERM', true);
    outer.kill('SIGKILL');
    expect(await stopped()).toBe(true);
  });
});
