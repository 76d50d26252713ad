import { spawn } from "node:child_process";

export type Log = (line: string) => void;

export const defaultLog: Log = (line) => process.stderr.write(`[local-servers] ${line}\n`);

export interface RunToolOptions {
  command: string;
  args: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** What we are doing, for heartbeats and errors ("maven: fetching Kafka jars"). */
  what: string;
  log: Log;
  /** Called for each output line (stdout and stderr); decide there what to log (use the given log). */
  onLine?: (line: string, log: Log) => void;
  /** A "still running" line is logged when nothing was logged for this long (default 10 s). */
  heartbeatMs?: number;
}

/**
 * Runs a build/download tool to completion, streaming its output lines to `onLine`,
 * logging a heartbeat while it is quiet, and throwing with the output tail on failure.
 */
export function runTool(opts: RunToolOptions): Promise<void> {
  const started = Date.now();
  const tail: string[] = [];
  let lastLogged = Date.now();
  const log: Log = (line) => {
    lastLogged = Date.now();
    opts.log(line);
  };
  const quietMs = opts.heartbeatMs ?? 10_000;
  return new Promise((resolve, reject) => {
    const child = spawn(opts.command, opts.args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
    const heartbeat = setInterval(() => {
      if (Date.now() - lastLogged >= quietMs - 100) log(`${opts.what}: still running (${Math.round((Date.now() - started) / 1000)}s)`);
    }, quietMs);
    const feed = (stream: NodeJS.ReadableStream): void => {
      let buffered = "";
      stream.setEncoding("utf8");
      stream.on("data", (chunk: string) => {
        buffered += chunk;
        const lines = buffered.split(/\r?\n/);
        buffered = lines.pop() ?? "";
        for (const raw of lines) handle(raw);
      });
      stream.on("end", () => buffered && handle(buffered));
    };
    const handle = (raw: string): void => {
      // biome-ignore lint/suspicious/noControlCharactersInRegex: strips the tools' colour codes, which start with ESC
      const line = raw.replace(/\x1b\[[0-9;]*m/g, "").trimEnd();
      if (!line) return;
      tail.push(line);
      if (tail.length > 40) tail.shift();
      opts.onLine?.(line, log);
    };
    feed(child.stdout);
    feed(child.stderr);
    child.once("error", (err: NodeJS.ErrnoException) => {
      clearInterval(heartbeat);
      reject(
        err.code === "ENOENT"
          ? new Error(`${opts.what}: '${opts.command}' was not found on PATH`)
          : new Error(`${opts.what}: could not run ${opts.command}: ${err.message}`),
      );
    });
    child.once("close", (code, signal) => {
      clearInterval(heartbeat);
      if (code === 0) return resolve();
      reject(
        new Error(
          `${opts.what}: '${opts.command} ${opts.args.join(" ")}' failed (${signal ?? `exit code ${code}`}); last output:\n${tail.join("\n")}`,
        ),
      );
    });
  });
}
