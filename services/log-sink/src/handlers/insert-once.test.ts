import type { Model } from 'mongoose';
import { describe, expect, it } from 'vitest';
import { insertOnce } from './insert-once.js';

const modelThat = (create: () => Promise<unknown>) => ({ create }) as unknown as Model<unknown>;

describe('insertOnce', () => {
  it('inserts a new row', async () => {
    expect(await insertOnce(modelThat(async () => ({})), { _id: 'e1:0' })).toBe('inserted');
  });

  it('treats a duplicate _id as the same row written before', async () => {
    const duplicate = Object.assign(new Error('E11000 duplicate key error'), { code: 11000 });
    expect(await insertOnce(modelThat(async () => Promise.reject(duplicate)), { _id: 'e1:0' })).toBe('existed');
  });

  it('passes on every other error', async () => {
    const down = Object.assign(new Error('connection closed'), { name: 'MongoNetworkError' });
    await expect(insertOnce(modelThat(async () => Promise.reject(down)), { _id: 'e1:0' })).rejects.toThrow('connection closed');
  });
});
