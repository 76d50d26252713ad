import { MongoClient, MongoServerError } from "mongodb";
import pg from "pg";
import { defaultLog, type Log } from "./run-tool.js";

/** Collection name → the top-level fields it is read by with equality filters. */
export type LookupIndexSpec = Readonly<Record<string, readonly string[]>>;

export interface EnsureLookupIndexesOptions {
  /** The PostgreSQL database FerretDB stores into: "postgres://user@host:port/db". */
  postgresUrl: string;
  /** FerretDB itself, to create missing collections so that FerretDB owns their tables. */
  mongoUrl: string;
  /** The Mongo database; FerretDB keeps it as a PostgreSQL schema of that name. */
  database: string;
  spec: LookupIndexSpec;
  /**
   * GIN's fast-update pending list: cheaper inserts, but every query scans the list until vacuum
   * merges it. Default off, measured in docs/storage.md.
   */
  fastUpdate?: boolean;
  log?: Log;
}

/** FerretDB 1.x keeps one metadata row per collection, `{_id: <collection>, table: <table>, ...}`, here. */
const METADATA_TABLE = "_ferretdb_database_metadata";
const MAX_IDENTIFIER = 63;

/**
 * Makes the GIN index FerretDB's equality pushdown (`_jsonb->'field' @> value`) can use, one per
 * listed field, on FerretDB's table of each listed collection. Idempotent (deterministic names,
 * IF NOT EXISTS); creates missing collections through FerretDB first.
 */
export async function ensureLookupIndexes(opts: EnsureLookupIndexesOptions): Promise<{ created: string[]; present: string[] }> {
  const log = opts.log ?? defaultLog;
  const started = Date.now();
  for (const [collection, fields] of Object.entries(opts.spec)) {
    for (const field of fields) {
      if (!field || field.includes(".") || field.startsWith("$")) {
        throw new Error(`lookup indexes: ${collection}.${field}: only top-level fields are pushed down by FerretDB`);
      }
    }
  }
  await createMissingCollections(opts.mongoUrl, opts.database, Object.keys(opts.spec));

  const client = new pg.Client({ connectionString: opts.postgresUrl });
  await client.connect();
  const created: string[] = [];
  const present: string[] = [];
  try {
    const tables = await ferretDbTables(client, opts.database);
    const existing = new Set(
      (await client.query<{ indexname: string }>("SELECT indexname FROM pg_indexes WHERE schemaname = $1", [opts.database])).rows.map((r) => r.indexname),
    );
    const withOptions = `WITH (fastupdate = ${opts.fastUpdate ? "on" : "off"})`;
    for (const [collection, fields] of Object.entries(opts.spec)) {
      const table = tables.get(collection);
      if (!table) throw new Error(`lookup indexes: FerretDB has no table for collection ${collection} in ${opts.database}`);
      const names = new Set<string>();
      for (const field of fields) {
        const index = lookupIndexName(table, field);
        if (names.has(index)) throw new Error(`lookup indexes: two fields of ${collection} map to the index name ${index}`);
        names.add(index);
        if (existing.has(index)) {
          present.push(index);
          continue;
        }
        await client.query(
          `CREATE INDEX IF NOT EXISTS ${pg.escapeIdentifier(index)} ON ${pg.escapeIdentifier(opts.database)}.${pg.escapeIdentifier(table)} ` +
            `USING gin ((_jsonb -> ${pg.escapeLiteral(field)}) jsonb_path_ops) ${withOptions}`,
        );
        created.push(index);
      }
    }
  } finally {
    await client.end().catch(() => undefined);
  }
  log(`lookup indexes: ${created.length} created, ${present.length} present, in ${Date.now() - started} ms`);
  return { created, present };
}

/** The GIN index's name for one field of one FerretDB table: `<table>_<field>_gin`, lower case, at most 63 characters. */
export function lookupIndexName(table: string, field: string): string {
  const suffix = `_${field.toLowerCase().replace(/[^a-z0-9]/g, "_")}_gin`;
  return `${table.slice(0, Math.max(1, MAX_IDENTIFIER - suffix.length))}${suffix}`.slice(0, MAX_IDENTIFIER);
}

/** Collection → PostgreSQL table, read from FerretDB's metadata (table names carry a hash of the collection name). */
async function ferretDbTables(client: pg.Client, database: string): Promise<Map<string, string>> {
  const rows = await client.query<{ collection: string; tablename: string }>(
    `SELECT _jsonb ->> '_id' AS collection, _jsonb ->> 'table' AS tablename FROM ${pg.escapeIdentifier(database)}.${pg.escapeIdentifier(METADATA_TABLE)}`,
  );
  return new Map(rows.rows.map((r) => [r.collection, r.tablename]));
}

async function createMissingCollections(mongoUrl: string, database: string, collections: string[]): Promise<void> {
  const mongo = new MongoClient(mongoUrl, { serverSelectionTimeoutMS: 10_000 });
  try {
    const db = mongo.db(database);
    const have = new Set((await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name));
    for (const name of collections.filter((c) => !have.has(c))) {
      await db.createCollection(name).catch((err: unknown) => {
        if (!(err instanceof MongoServerError && err.code === 48)) throw err; // 48: created meanwhile
      });
    }
  } finally {
    await mongo.close();
  }
}
