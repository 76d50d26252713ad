/**
 * The server settings passed as `-c name=value` on every start (so a changed default applies to
 * an existing data dir too). Sized for a 2-core development machine; durable: an acknowledged
 * write survives a kill -9 of postgres or of FerretDB. docs/storage.md says what was measured.
 */
export function postgresSettings(o: { port: number; socketDir: string }): string[] {
  // A unix socket path longer than the kernel's 108 bytes stops the server: use TCP only then.
  const socketPath = `${o.socketDir}/.s.PGSQL.${o.port}`;
  const socketDirs = Buffer.byteLength(socketPath) < 100 ? o.socketDir : "";
  return [
    "listen_addresses=127.0.0.1",
    `port=${o.port}`,
    `unix_socket_directories=${socketDirs}`,
    // durability: the defaults, stated so nobody "tunes" them away
    "fsync=on",
    "synchronous_commit=on",
    "full_page_writes=on",
    // no replicas: less WAL for bulk writes and index builds
    "wal_level=minimal",
    "max_wal_senders=0",
    "max_wal_size=1GB",
    // FerretDB sends every filter as parameters (`_jsonb->$1 @> $2`); only a plan made for the
    // actual field name can match an expression index, so never switch to a generic plan.
    "plan_cache_mode=force_custom_plan",
    // the data sits on local SSD and mostly in cache
    "random_page_cost=1.1",
    "jit=off",
    "huge_pages=off",
    // FerretDB's pool (FERRETDB_POOL_MAX_CONNS) plus room for tools and psql
    "max_connections=450",
    "log_min_messages=warning",
    "log_checkpoints=off",
  ];
}
