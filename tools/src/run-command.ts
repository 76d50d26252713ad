import type { CliCommand } from './cli-args.js';
import type { DlqTool, ReadGaps } from '@botwot/shared/dead-letters';
import { listJson, listTable } from './list-output.js';
import { outcomeJson, outcomeLines, outcomeSummary } from './replay-output.js';
import { schemaName } from './schema-name.js';
import { showJson, showText } from './show-output.js';

export interface RunDeps {
  tool: DlqTool;
  /** prints one line of the command's output (stdout) */
  out: (line: string) => void;
  /** prints one line about the run itself (stderr), so `--json` output stays parseable */
  note: (line: string) => void;
  now: () => number;
  /** the registry to name wire-format schemas with, if any */
  registryUrl: string | undefined;
}

/** Runs one parsed command; resolves to the exit code (0 done, 1 something asked for was not done). */
export async function runCommand(cmd: Exclude<CliCommand, { command: 'help' }>, deps: RunDeps): Promise<number> {
  switch (cmd.command) {
    case 'list': {
      const res = await deps.tool.list(cmd.filters);
      const now = deps.now();
      if (cmd.json) for (const dl of res.deadLetters) deps.out(JSON.stringify(listJson(dl, now)));
      else if (res.deadLetters.length === 0) deps.out('no dead letters match');
      else for (const line of listTable(res.deadLetters, now)) deps.out(line);
      if (res.matched > res.deadLetters.length) deps.note(`showing the newest ${res.deadLetters.length} of ${res.matched} that match (--limit shows more)`);
      return reportGaps(res, deps);
    }
    case 'show': {
      const dl = await deps.tool.show(cmd.id);
      if (!dl) {
        deps.note(`no dead letter ${cmd.id.partition}:${cmd.id.offset}: beyond the end of its partition, removed by retention, or a transaction marker`);
        return 1;
      }
      const format = dl.content.format;
      const name = format?.kind === 'confluent' && deps.registryUrl ? await schemaName(deps.registryUrl, format.schemaId) : undefined;
      const opts = { now: deps.now(), ...(name ? { schemaName: name } : {}) };
      deps.out(cmd.json ? JSON.stringify(showJson(dl, opts)) : showText(dl, opts));
      return 0;
    }
    case 'replay': {
      const res = await deps.tool.replay({ ...(cmd.ids ? { ids: cmd.ids } : {}), filters: cmd.filters }, { dryRun: cmd.dryRun, force: cmd.force });
      for (const o of res.outcomes) {
        if (cmd.json) deps.out(JSON.stringify(outcomeJson(o)));
        else for (const line of outcomeLines(o)) deps.out(line);
      }
      deps.note(`${cmd.dryRun ? 'dry run: ' : ''}${outcomeSummary(res.outcomes)}`);
      const failed = res.outcomes.some((o) => o.status === 'failed');
      return Math.max(failed ? 1 : 0, reportGaps(res, deps));
    }
    default: {
      const never: never = cmd;
      throw new Error(`unknown command ${JSON.stringify(never)}`);
    }
  }
}

function reportGaps(gaps: ReadGaps, deps: RunDeps): number {
  for (const id of gaps.missing) deps.note(`no dead letter ${id}: beyond the end of its partition, removed by retention, or a transaction marker`);
  for (const u of gaps.unfinished) deps.note(`partition ${u.partition} was read to offset ${u.readTo} of ${u.end - 1} only (an open transaction? try again, or raise DLQ_READ_TIMEOUT_MS)`);
  return gaps.missing.length > 0 || gaps.unfinished.length > 0 ? 1 : 0;
}
