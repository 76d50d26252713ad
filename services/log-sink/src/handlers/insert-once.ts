import type { Model } from 'mongoose';

/**
 * Inserts a row whose content never changes once written (an execution's start, a step's log);
 * a redelivered event hits the unique `_id` and changes nothing. An insert is checked against the
 * `_id` index, where an upsert by `_id` on FerretDB/SQLite reads the whole collection (its filter
 * expression does not match the index's), so writes stay fast as the collection grows.
 */
export async function insertOnce<D>(model: Model<D>, doc: Record<string, unknown>): Promise<'inserted' | 'existed'> {
  try {
    await model.create(doc);
    return 'inserted';
  } catch (error) {
    if ((error as { code?: number }).code === 11000) return 'existed';
    throw error;
  }
}
