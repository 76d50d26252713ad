/**
 * A table's column headings, in order. A heading given as `{ hidden: text }` is read by screen
 * readers only (a column of checkboxes, for instance).
 */
export function ColumnHeads({ names }: { names: (string | { hidden: string })[] }) {
  return (
    <thead>
      <tr>
        {names.map((name) =>
          typeof name === 'string' ? (
            <th scope="col" key={name}>
              {name}
            </th>
          ) : (
            <th scope="col" key={name.hidden}>
              <span class="sr-only">{name.hidden}</span>
            </th>
          ),
        )}
      </tr>
    </thead>
  );
}
