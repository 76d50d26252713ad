#!/usr/bin/env node
// Runs every test (unit, then integration against the real local stack) and ends with one plain
// line, "tests: N passed, N failed", that CI reads. Extra arguments go to vitest.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runForwardingSignals } from './hand-over.mjs';

const report = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'botwot-tests-')), 'report.json');
const code = await runForwardingSignals('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)]);
let passed = 0;
let failed = 0;
let skipped = 0;
try {
  const json = JSON.parse(fs.readFileSync(report, 'utf8'));
  passed = json.numPassedTests;
  failed = json.numFailedTests;
  skipped = json.numPendingTests + json.numTodoTests;
} catch {
  failed = Math.max(failed, 1);
}
if (code !== 0 && failed === 0) failed = 1;
process.stdout.write(`\ntests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
process.exit(code);
