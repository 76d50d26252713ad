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

  it.each(['SIGTERM', 'SIGINT', 'SIGHUP'] as const)('passes %s on to the child, waits for it to stop, and exits with its code', async (signal) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hand-over-'));
    const noted = path.join(dir, 'child');
    // the child notes its pid, and on the signal takes a moment to stop (as the launcher does) and notes it
    const child = `require('node:fs').writeFileSync(${JSON.stringify(noted)}, String(process.pid));
      process.on(${JSON.stringify(signal)}, () => setTimeout(() => { require('node:fs').appendFileSync(${JSON.stringify(noted)}, ' stopped'); process.exit(3); }, 200));
      setInterval(() => {}, 1000);`;
    const handOver = pathToFileURL(path.join(repoRoot(), 'scripts', 'hand-over.mjs')).href;
    const outer = spawn(process.execPath, ['--input-type=module', '-e', `import { runForwardingSignals } from ${JSON.stringify(handOver)};
      process.exit(await runForwardingSignals(process.execPath, ['-e', ${JSON.stringify(child)}]));`]);
    const exited = new Promise<number | null>((resolve) => outer.on('exit', (code) => resolve(code)));

    const deadline = Date.now() + 10_000;
    while (!fs.existsSync(noted) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const childPid = Number(fs.readFileSync(noted, 'utf8'));
    expect(alive(childPid)).toBe(true);

    outer.kill(signal);
    expect(await exited).toBe(3);
    expect(fs.readFileSync(noted, 'utf8')).toBe(`${childPid} stopped`);
    expect(alive(childPid)).toBe(false);
  });
});
