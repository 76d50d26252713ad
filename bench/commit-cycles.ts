/**
 * How often each service committed (one Kafka transaction, or one send-and-commit, per cycle) over the
 * measured window, from the services' own Prometheus counters. Kafka's cost grows with transactions,
 * not with messages, so messages per commit says how well the group commit amortises it.
 */

export interface CommitCounters {
  commits: number;
  commitSeconds: number;
  consumed: number;
  fetches: number;
}

export interface CommitRow extends CommitCounters {
  service: string;
}

const SAMPLE = /^(botwot_commit_duration_seconds_count|botwot_commit_duration_seconds_sum|botwot_messages_consumed_total|botwot_consumer_fetches_total)(\{[^}]*\})? ([0-9.eE+-]+)$/;

/** Adds up the commit histogram and the consumed-message counter of one /metrics page. */
export function parseCommitCounters(text: string): CommitCounters {
  const c: CommitCounters = { commits: 0, commitSeconds: 0, consumed: 0, fetches: 0 };
  for (const line of text.split('\n')) {
    const m = SAMPLE.exec(line);
    if (!m) continue;
    const value = Number(m[3]);
    if (m[1] === 'botwot_commit_duration_seconds_count') c.commits += value;
    else if (m[1] === 'botwot_commit_duration_seconds_sum') c.commitSeconds += value;
    else if (m[1] === 'botwot_consumer_fetches_total') c.fetches += value;
    else c.consumed += value;
  }
  return c;
}

export async function scrapeCommitCounters(services: { name: string; opsUrl: string }[]): Promise<Map<string, CommitCounters>> {
  const out = new Map<string, CommitCounters>();
  await Promise.all(
    services.map(async (s) => {
      const res = await fetch(`${s.opsUrl}/metrics`, { signal: AbortSignal.timeout(5_000) }).catch(() => undefined);
      if (res?.ok) out.set(s.name, parseCommitCounters(await res.text()));
    }),
  );
  return out;
}

/** What each service did between two scrapes; services that committed nothing are left out. */
export function commitsBetween(start: Map<string, CommitCounters>, end: Map<string, CommitCounters>): CommitRow[] {
  const rows: CommitRow[] = [];
  for (const [service, e] of end) {
    const s = start.get(service) ?? { commits: 0, commitSeconds: 0, consumed: 0, fetches: 0 };
    const commits = e.commits - s.commits;
    if (commits > 0) rows.push({ service, commits, commitSeconds: e.commitSeconds - s.commitSeconds, consumed: e.consumed - s.consumed, fetches: e.fetches - s.fetches });
  }
  return rows.sort((a, b) => b.commits - a.commits);
}
