import { describe, expect, it } from 'vitest';
import { unstorableAt } from './validation.js';

describe('unstorableAt', () => {
  it('passes plain JSON, unicode and prototype-looking keys Mongo stores as data', () => {
    expect(unstorableAt({ a: [1, { b: 'x' }], 'ü𝕏': null, constructor: { prototype: 1 }, 'a$': 1 })).toBeUndefined();
    expect(unstorableAt(JSON.parse('{"__proto__":{"x":1}}'))).toBeUndefined();
    expect(unstorableAt('just a string')).toBeUndefined();
  });

  it.each([
    [{ 'a.b': 1 }, ['a.b']],
    [{ x: { $where: 'sleep(1)' } }, ['x', '$where']],
    [{ x: [{ '': 1 }] }, ['x', 0, '']],
    [{ 'a\0b': 1 }, ['a\0b']],
  ])('names the key Mongo would refuse in %j', (value, path) => {
    expect(unstorableAt(value)).toEqual({ path, message: expect.stringContaining('keys must not') });
  });

  it('refuses an array directly inside an array, but not an array inside an object inside an array', () => {
    expect(unstorableAt({ m: [1, [2]] })).toEqual({ path: ['m', 1], message: 'arrays must not directly contain arrays' });
    expect(unstorableAt({ m: [{ n: [1, 2] }] })).toBeUndefined();
  });

  it('refuses nesting past the limit, wherever it is, and only past it', () => {
    const nest = (n: number): unknown => (n === 0 ? 1 : { a: nest(n - 1) });
    expect(unstorableAt(nest(5), 5)).toBeUndefined();
    expect(unstorableAt(nest(6), 5)).toEqual({ path: ['a', 'a', 'a', 'a', 'a'], message: 'nested deeper than 5 levels' });
    const deepObject = JSON.parse(`${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}`);
    expect(unstorableAt({ ok: 1, deep: deepObject })?.message).toBe('nested deeper than 20 levels');
  });
});
