/** Where a run's report and plot go: appended to the results file, the plot in plots/ beside it. */
import fs from 'node:fs';
import path from 'node:path';

const HEADER = `# Benchmark results

Produced by \`npm run bench\` (bench/run.ts); each run appends one section, its plot in \`plots/\`.
`;

/** The plot's path relative to the results file, named for the run's start. */
export const plotPathFor = (startedAt: string): string => `plots/${startedAt.replace(/[:.]/g, '-')}.svg`;

/** Writes the plot and appends the report (creating the file with a header the first time); returns the plot's full path. */
export function writeResults(opts: { out: string; report: string; plot: string; svg: string }): string {
  const dir = path.dirname(opts.out);
  const plotFile = path.join(dir, opts.plot);
  fs.mkdirSync(path.dirname(plotFile), { recursive: true });
  fs.writeFileSync(plotFile, opts.svg);
  if (!fs.existsSync(opts.out)) fs.writeFileSync(opts.out, HEADER);
  fs.appendFileSync(opts.out, `\n${opts.report}`);
  return plotFile;
}
