import mongoose, { type Connection } from 'mongoose';

/** Opens a dedicated connection (never the global mongoose one) and waits until it is usable. */
export async function connectMongo(url: string, opts: { appName: string }): Promise<Connection> {
  const conn = mongoose.createConnection(url, {
    appName: opts.appName,
    serverSelectionTimeoutMS: 5_000,
    maxPoolSize: 20,
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

/** True for errors that mean the database is unreachable rather than that the request was wrong. */
export function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return /MongoNetwork|MongoServerSelection|MongoNotConnected|PoolClosed|ECONNREFUSED|ECONNRESET|topology was destroyed|connection.*closed/i.test(
    `${error.name} ${error.message}`,
  );
}
