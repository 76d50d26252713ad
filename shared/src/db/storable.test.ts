import { describe, expect, it } from 'vitest';
import { fromStorable, nulTextAt, storable, unstorableAt } from './storable.js';

describe('storable', () => {
  it('keeps ordinary documents as they are', () => {
    const doc = { a: [1, { b: [2] }], c: { d: 'x' }, when: new Date(0) };
    expect(storable(doc)).toBe(doc);
  });

  it('stores what the server would refuse as JSON text', () => {
    for (const doc of [{ matrix: [[1, 2]] }, { $where: 1 }, { 'a.b': 1 }, { deep: { '': 1 } }, { text: 'a\u0000b' }]) {
      expect(storable(doc)).toEqual({ encoding: 'json', json: JSON.stringify(doc) });
    }
  });
});

describe('fromStorable', () => {
  it('gives back what storable encoded, and anything else as it is', () => {
    for (const doc of [{ matrix: [[1, 2]] }, { $where: 1 }, { ok: { nested: [1] } }]) expect(fromStorable(storable(doc))).toEqual(doc);
    expect(fromStorable({ encoding: 'json', json: '{}', other: 1 })).toEqual({ encoding: 'json', json: '{}', other: 1 });
  });
});

describe('unstorableAt', () => {
  it('names the path of the first problem', () => {
    expect(unstorableAt({ a: { 'b.c': 1 } })).toEqual({ path: ['a', 'b.c'], message: expect.stringContaining('keys') });
    expect(unstorableAt({ a: [[1]] })?.path).toEqual(['a', 0]);
    expect(unstorableAt({ a: { b: { c: 1 } } }, 2)?.message).toContain('deeper than 2');
    expect(unstorableAt({ fine: [{ x: new Date(0) }] })).toBeUndefined();
  });
});

describe('nulTextAt', () => {
  it('finds NUL in any string, nested or not, and nothing else', () => {
    expect(nulTextAt({ label: 'ok', list: [{ name: 'x\u0000y' }] })).toEqual({ path: ['list', 0, 'name'], message: expect.stringContaining('NUL') });
    expect(nulTextAt('\u0000')).toEqual({ path: [], message: expect.stringContaining('NUL') });
    expect(nulTextAt({ label: 'tab\there \u000e fine', n: 1, when: new Date(0), none: null })).toBeUndefined();
  });
});
