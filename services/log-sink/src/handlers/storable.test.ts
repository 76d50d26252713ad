import { describe, expect, it } from 'vitest';
import { storable } from './storable.js';

describe('storable', () => {
  it('keeps ordinary documents as they are', () => {
    const doc = { a: [1, { b: [2] }], c: { d: 'x' }, when: new Date(0) };
    expect(storable(doc)).toBe(doc);
  });

  it('stores what the server would refuse as JSON text', () => {
    for (const doc of [{ matrix: [[1, 2]] }, { $where: 1 }, { 'a.b': 1 }, { deep: { '': 1 } }]) {
      expect(storable(doc)).toEqual({ encoding: 'json', json: JSON.stringify(doc) });
    }
  });
});
