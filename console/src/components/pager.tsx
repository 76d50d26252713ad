/** Previous/next links with where we are; `hrefOf` makes the address of a page number. */
export function Pager({ page, pages, total, hrefOf, what }: { page: number; pages: number; total: number; hrefOf: (page: number) => string; what: string }) {
  const last = Math.max(1, pages);
  return (
    <nav class="pager" aria-label={`${what} pages`}>
      {page > 1 ? (
        <a href={hrefOf(page - 1)} rel="prev">
          ← Newer
        </a>
      ) : (
        <span class="muted" aria-hidden="true">
          ← Newer
        </span>
      )}
      <span aria-live="polite">
        Page {Math.min(page, last)} of {last} · {total} {what}
      </span>
      {page < last ? (
        <a href={hrefOf(page + 1)} rel="next">
          Older →
        </a>
      ) : (
        <span class="muted" aria-hidden="true">
          Older →
        </span>
      )}
    </nav>
  );
}
