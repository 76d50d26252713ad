import { Writable } from 'node:stream';
import { logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../observability/logger.js';
import { kafkajsLogTo } from './client.js';

function capture() {
  const lines: { level: number; msg: string; error?: string }[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, route: kafkajsLogTo(createLogger('test', 'debug', sink)) };
}

const entry = (level: logLevel, error?: string) => ({
  namespace: 'Connection',
  level,
  label: 'ERROR',
  log: { timestamp: '2026-12-02T00:00:00.000Z', message: 'Response AddPartitionsToTxn(key: 24, version: 1)', ...(error ? { error } : {}) },
});

describe('kafkajsLogTo', () => {
  it('keeps errors at error level, but a refusal kafkajs retries while the last transaction finishes at debug', () => {
    const { lines, route } = capture();
    route(entry(logLevel.ERROR, 'The producer attempted to update a transaction while another concurrent operation on the same transaction was ongoing'));
    route(entry(logLevel.ERROR, 'The producer attempted to use a producer id which is not currently assigned to its transactional id'));
    route(entry(logLevel.WARN));
    expect(lines.map((l) => [l.level, l.error?.slice(0, 40)])).toEqual([
      [20, 'The producer attempted to update a trans'],
      [50, 'The producer attempted to use a producer'],
      [40, undefined],
    ]);
  });
});
