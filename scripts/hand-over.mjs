// Runs a child to its end while this process forwards the signals that stop it (Ctrl-C, a
// supervisor's SIGTERM, a closed terminal), so a signal to the outer process (the pid `npm start`
// or `npm test` shows) stops the child too instead of leaving it, and every server it started,
// running without a parent.
import { spawn } from 'node:child_process';
import os from 'node:os';

const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Resolves with the child's exit code (128 + the signal's number when a signal ended it). A parent
 * that dies without passing a signal on (npm's `sh -c` does, on SIGTERM) leaves this process
 * orphaned: the child is then asked to stop with SIGTERM.
 */
export function runForwardingSignals(cmd, args, opts = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: 'inherit', ...opts });
    const forward = (signal) => child.kill(signal);
    for (const signal of FORWARDED) process.on(signal, forward);
    const parent = process.ppid;
    const orphanWatch = setInterval(() => {
      if (process.ppid === parent) return;
      clearInterval(orphanWatch);
      forward('SIGTERM');
    }, 500);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearInterval(orphanWatch);
      for (const s of FORWARDED) process.off(s, forward);
      resolve(code ?? 128 + (os.constants.signals[signal] ?? 0));
    });
  });
}
