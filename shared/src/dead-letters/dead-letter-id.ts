/** Where a dead letter sits on the dead-letter topic; written `<partition>:<offset>`. */
export interface DeadLetterId {
  partition: number;
  offset: number;
}

/** A command-line argument the tool cannot use; the CLI prints it with the usage and exits 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

const ID = /^(\d{1,5}):(\d{1,16})$/;

/** Parses `<partition>:<offset>`, e.g. `3:1204`. */
export function parseDeadLetterId(text: string): DeadLetterId {
  const match = ID.exec(text.trim());
  if (!match) throw new UsageError(`"${text}" is not a dead-letter id: use <partition>:<offset>, as \`list\` prints them`);
  const offset = Number(match[2]);
  if (!Number.isSafeInteger(offset)) throw new UsageError(`offset of "${text}" is too large`);
  return { partition: Number(match[1]), offset };
}

export function formatDeadLetterId(id: DeadLetterId): string {
  return `${id.partition}:${id.offset}`;
}

/** The ids given, each once, in the order first given. */
export function uniqueIds(texts: string[]): DeadLetterId[] {
  const seen = new Set<string>();
  const out: DeadLetterId[] = [];
  for (const text of texts) {
    const id = parseDeadLetterId(text);
    const key = formatDeadLetterId(id);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(id);
  }
  return out;
}
