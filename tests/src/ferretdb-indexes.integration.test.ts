import { randomUUID } from 'node:crypto';
import { Schema, type Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectMongo, isFerretDB, syncIndexes } from '@botwot/shared/db';

// On FerretDB a btree index serves no find (filters reach PostgreSQL as `@>`), so the services keep
// only the unique ones there; every other index would be written by each insert for nothing.
describe('schema indexes on FerretDB', () => {
  let conn: Connection;
  beforeAll(async () => {
    conn = await connectMongo(inject('system').mongoUrl, { appName: 'index-test' });
  });
  afterAll(() => conn?.close());

  it('keeps only the unique ones, and drops the others an earlier start made', async () => {
    // the test stack stores through FerretDB on PostgreSQL
    expect(inject('system').postgresUrl).toBeDefined();
    expect(await isFerretDB(conn)).toBe(true);

    const schema = new Schema({ _id: String, a: String, b: String, c: Number });
    schema.index({ a: 1, c: -1 });
    schema.index({ b: 1 }, { unique: true });
    const model = conn.model(`IndexProbe${randomUUID().slice(0, 8)}`, schema);
    await model.createCollection();
    await model.createIndexes(); // what an earlier start made: both
    const names = async () => (await model.collection.indexes()).map((i) => i.name).sort();
    expect(await names()).toEqual(['_id_', 'a_1_c_-1', 'b_1']);

    await syncIndexes(model as never);
    expect(await names()).toEqual(['_id_', 'b_1']);
    // the unique one still refuses a duplicate
    await model.create({ _id: 'x', b: 'same' });
    await expect(model.create({ _id: 'y', b: 'same' })).rejects.toThrow(/duplicate key/i);
    await model.collection.drop();
  });
});
