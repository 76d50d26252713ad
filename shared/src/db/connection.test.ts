import { describe, expect, it } from 'vitest';
import { isConnectionError } from './connection.js';

const serverError = (message: string) => Object.assign(new Error(message), { name: 'MongoServerError' });

describe('isConnectionError', () => {
  it('recognises FerretDB reporting that PostgreSQL is down, crashed or restarting', () => {
    for (const message of [
      '[msg_insert.go:168 handler.(*Handler).MsgInsert] failed to connect to `user=botwot-pg database=ferretdb`:\n\t127.0.0.1:44297 (127.0.0.1): dial error: dial tcp 127.0.0.1:44297: connect: connection refused',
      '[msg_insert.go:168 handler.(*Handler).MsgInsert] FATAL: terminating connection due to unexpected postmaster exit (SQLSTATE 57P01)',
      '[msg_find.go:344 handler.handleMaxTimeMSError] FATAL: the database system is starting up (SQLSTATE 57P03)',
      'FATAL: terminating connection due to administrator command (SQLSTATE 57P01)',
      'could not receive data from server (SQLSTATE 08006)',
    ]) {
      expect(isConnectionError(serverError(message)), message).toBe(true);
    }
  });

  it('still recognises the driver’s own network errors', () => {
    expect(isConnectionError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:27117'), { name: 'MongoNetworkError' }))).toBe(true);
  });

  it('does not take a request the server refused for a connection problem', () => {
    expect(isConnectionError(serverError('E11000 duplicate key error collection: botwot.orchestrator_claims'))).toBe(false);
    expect(isConnectionError(serverError('ERROR: duplicate key value violates unique constraint (SQLSTATE 23505)'))).toBe(false);
    expect(isConnectionError('not an error')).toBe(false);
  });
});
