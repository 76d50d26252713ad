import { describe, expect, it } from 'vitest';
import { parsePidfile, serverOfPidfile } from './stack-processes.js';

describe('pidfiles', () => {
  it('reads the pid and the command', () => {
    expect(parsePidfile('4242\n/usr/bin/java\n')).toEqual({ pid: 4242, command: '/usr/bin/java' });
    expect(parsePidfile('4242')).toEqual({ pid: 4242, command: '' });
    expect(parsePidfile('none\n')).toBeUndefined();
    expect(parsePidfile('0\n')).toBeUndefined();
  });

  it('names the server of this stack’s pidfiles only', () => {
    expect(serverOfPidfile('schema-registry-bench.pid', 'bench')).toBe('schema-registry');
    expect(serverOfPidfile('log-sink-bench.pid', 'bench')).toBe('log-sink');
    expect(serverOfPidfile('kafka-dev.pid', 'bench')).toBeUndefined();
    expect(serverOfPidfile('-bench.pid', 'bench')).toBeUndefined();
  });
});
