/**
 * A URL under `base` with each segment appended as one encoded path segment. Built with the URL
 * API: a segment can never add a query, a fragment, another host or a `..` that climbs out of
 * the base path; the base itself must have no query or fragment.
 */
export function appendPath(base: URL | string, segments: readonly string[]): URL {
  const url = new URL(base);
  if (url.search || url.hash || String(base).includes('#') || String(base).includes('?')) throw new TypeError('a base URL has no query or fragment');
  for (const s of segments) {
    if (s === '' || /^(?:\.|%2e){1,2}$/i.test(s)) throw new TypeError(`"${s}" is not a path segment`);
  }
  const prefix = url.pathname.replace(/\/+$/, '');
  url.pathname = `${prefix}/${segments.map((s) => encodeURIComponent(s)).join('/')}`;
  return url;
}
