/**
 * Some servers (FerretDB among them) refuse documents with arrays directly inside arrays, keys that
 * start with `$` or contain `.`. Provider outputs may hold such things; rather than fail the row, a
 * value that cannot be stored as is goes in as its JSON text: `{ encoding: 'json', json: '…' }`.
 */
export function storable<T>(value: T): T | { encoding: 'json'; json: string } {
  return fits(value, false, 0) ? value : { encoding: 'json', json: JSON.stringify(value) };
}

function fits(value: unknown, insideArray: boolean, depth: number): boolean {
  if (depth > 90) return false;
  if (Array.isArray(value)) return !insideArray && value.every((v) => fits(v, true, depth + 1));
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.entries(value).every(([k, v]) => k !== '' && !k.startsWith('$') && !k.includes('.') && !k.includes('\0') && fits(v, false, depth + 1));
  }
  return true;
}
