import mongoose, { type Connection } from 'mongoose';

/** Opens a dedicated connection (never the global mongoose one) and waits until it is usable. */
export async function connectMongo(url: string, opts: { appName: string; maxPoolSize?: number }): Promise<Connection> {
  const conn = mongoose.createConnection(url, {
    appName: opts.appName,
    serverSelectionTimeoutMS: 5_000,
    // bounded on purpose: see MONGO_MAX_POOL_SIZE
    maxPoolSize: opts.maxPoolSize ?? 10,
    autoIndex: false,
  });
  await conn.asPromise();
  return conn;
}

/** True when the server answers a ping within a short bound. */
export async function mongoReachable(conn: Connection): Promise<boolean> {
  try {
    const db = conn.db;
    if (!db) return false;
    await Promise.race([db.admin().ping(), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2_000))]);
    return true;
  } catch {
    return false;
  }
}

/**
 * FerretDB on PostgreSQL answers, as an ordinary server error, when PostgreSQL is down or
 * restarting: "failed to connect to `user=...`", "terminating connection due to unexpected
 * postmaster exit (SQLSTATE 57P01)", "the database system is starting up (SQLSTATE 57P03)".
 * SQLSTATE class 08 is a connection exception, 57P01-57P03 an operator or crash shutdown.
 */
const BACKEND_DOWN = /failed to connect to `user=|SQLSTATE (08[0-9A-Z]{3}|57P0[123])|unexpected postmaster exit|the database system is (starting up|shutting down|in recovery mode)/;

/** True for errors that mean the database is unreachable rather than that the request was wrong. */
export function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const text = `${error.name} ${error.message}`;
  return /MongoNetwork|MongoServerSelection|MongoNotConnected|PoolClosed|ECONNREFUSED|ECONNRESET|topology was destroyed|connection.*closed/i.test(text) || BACKEND_DOWN.test(text);
}
