/**
 * JSON as a folded tree: objects and arrays are native <details>, so they open with Enter or Space
 * and screen readers announce them; the first `openDepth` levels start open.
 */
export function JsonFold({ value, label, openDepth = 1 }: { value: unknown; label?: string; openDepth?: number }) {
  if (value === undefined) return <p class="muted">{label ? `${label}: ` : ''}nothing recorded</p>;
  return (
    <div class="json">
      <Node name={label} value={value} depth={0} openDepth={openDepth} />
    </div>
  );
}

function Node({ name, value, depth, openDepth }: { name: string | undefined; value: unknown; depth: number; openDepth: number }) {
  const key = name !== undefined ? <span class="json-key">{name}: </span> : null;
  if (value === null || typeof value !== 'object') {
    return (
      <div class="json-leaf">
        {key}
        <Scalar value={value} />
      </div>
    );
  }
  const entries: Array<[string, unknown]> = Array.isArray(value) ? value.map((v, i) => [String(i), v]) : Object.entries(value as Record<string, unknown>);
  const summary = Array.isArray(value) ? `[${entries.length} item${entries.length === 1 ? '' : 's'}]` : `{${entries.length} key${entries.length === 1 ? '' : 's'}}`;
  if (entries.length === 0) {
    return (
      <div class="json-leaf">
        {key}
        <span class="json-empty">{Array.isArray(value) ? '[]' : '{}'}</span>
      </div>
    );
  }
  return (
    <details open={depth < openDepth}>
      <summary>
        {key}
        <span class="json-summary">{summary}</span>
      </summary>
      <div class="json-children">
        {entries.map(([k, v]) => (
          <Node key={k} name={k} value={v} depth={depth + 1} openDepth={openDepth} />
        ))}
      </div>
    </details>
  );
}

function Scalar({ value }: { value: unknown }) {
  if (typeof value === 'string') return <span class="json-string">"{value}"</span>;
  if (typeof value === 'number') return <span class="json-number">{String(value)}</span>;
  if (typeof value === 'boolean') return <span class="json-bool">{String(value)}</span>;
  return <span class="json-null">null</span>;
}
