import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { withCacheLock } from "./cache-lock.js";
import { runTool, type Log } from "./run-tool.js";

export const FERRETDB_VERSION = "v1.24.2";
const MODULE = "github.com/FerretDB/FerretDB/cmd/ferretdb";

/**
 * Our patches to FerretDB's source, applied with `git apply` before it is built:
 * local-servers/patches/ferretdb-<version>-*.patch (docs/storage.md says why each exists).
 */
const PATCH_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "patches");

function patchesFor(version: string): string[] {
  if (!fs.existsSync(PATCH_DIR)) return [];
  return fs.readdirSync(PATCH_DIR).filter((f) => f.startsWith(`ferretdb-${version}-`) && f.endsWith(".patch")).sort().map((f) => path.join(PATCH_DIR, f));
}

/** A short digest of the patches, part of the cache directory's name: a changed patch builds anew. */
function patchTag(patches: string[]): string {
  if (patches.length === 0) return "";
  const hash = createHash("sha256");
  for (const p of patches) hash.update(fs.readFileSync(p));
  return `-p${hash.digest("hex").slice(0, 8)}`;
}

/**
 * Builds the FerretDB binary with the machine's Go toolchain (modules from the Go module proxy)
 * into <root>/cache/ferretdb-<version>/bin and returns its path. Cached after the first build.
 */
export async function ensureFerretDbBinary(root: string, log: Log, version = FERRETDB_VERSION): Promise<string> {
  const patches = patchesFor(version);
  const home = path.join(root, "cache", `ferretdb-${version}${patchTag(patches)}`);
  const binary = path.join(home, "bin", "ferretdb");
  if (fs.existsSync(binary)) return binary;
  return withCacheLock(path.join(home, ".lock"), `ferretdb ${version}`, log, async () => {
    if (fs.existsSync(binary)) return binary;
    const started = Date.now();
    log(`ferretdb ${version}: building ${MODULE}@${version} with the Go toolchain (the first build takes a few minutes)`);
    // `go install <module>@<version>` builds a binary that panics at startup: FerretDB requires a
    // generated build/version/version.txt that is not in the module zip. So: fetch the module
    // source, copy it, write version.txt, and `go build` the real CLI from that copy.
    log(`go: downloading github.com/FerretDB/FerretDB ${version} source`);
    let moduleDir = "";
    await runTool({
      command: "go",
      args: ["mod", "download", "-json", `github.com/FerretDB/FerretDB@${version}`],
      cwd: home,
      env: { ...process.env, GOWORK: "off" },
      what: `ferretdb ${version}: go mod download`,
      log,
      onLine: (line, log) => {
        const dir = /^\s*"Dir": "(.*)",?$/.exec(line);
        if (dir) moduleDir = JSON.parse(`"${dir[1]}"`) as string;
        else if (/"Error"/.test(line)) log(`go: ${line.trim()}`);
      },
    });
    if (!moduleDir) throw new Error(`ferretdb ${version}: go mod download did not report the module directory`);
    const src = path.join(home, `src.tmp-${process.pid}`);
    removeTree(src);
    fs.cpSync(moduleDir, src, { recursive: true });
    makeWritable(src);
    fs.writeFileSync(path.join(src, "build", "version", "version.txt"), `${version}\n`);
    fs.writeFileSync(path.join(src, "build", "version", "package.txt"), "botwot-local-servers\n");
    for (const patch of patches) {
      log(`ferretdb ${version}: applying ${path.basename(patch)}`);
      await runTool({ command: "git", args: ["apply", "--verbose", patch], cwd: src, env: process.env, what: `ferretdb ${version}: git apply ${path.basename(patch)}`, log });
    }

    const staging = path.join(home, `bin.tmp-${process.pid}`);
    fs.rmSync(staging, { recursive: true, force: true });
    fs.mkdirSync(staging, { recursive: true });
    let downloads = 0;
    let packages = 0;
    let lastPackage = "";
    let lastReport = Date.now();
    try {
      await runTool({
        command: "go",
        args: ["build", "-v", "-trimpath", "-buildvcs=false", "-o", path.join(staging, "ferretdb"), "./cmd/ferretdb"],
        cwd: src,
        env: { ...process.env, GOWORK: "off" },
        what: `ferretdb ${version}: go build`,
        log,
        onLine: (line, log) => {
          if (line.startsWith("go: downloading ")) {
            downloads++;
            log(line);
          } else if (/^[\w.-]+(\/[\w.@~+-]+)*$/.test(line)) {
            packages++;
            lastPackage = line;
            if (Date.now() - lastReport > 5_000) {
              lastReport = Date.now();
              log(`go: compiled ${packages} packages so far (${lastPackage})`);
            }
          } else log(`go: ${line}`);
        },
      });
    } finally {
      removeTree(src);
    }
    fs.mkdirSync(path.dirname(binary), { recursive: true });
    fs.renameSync(path.join(staging, "ferretdb"), binary);
    fs.rmSync(staging, { recursive: true, force: true });
    log(`ferretdb ${version}: built ${binary} (${downloads} modules downloaded, ${packages} packages compiled) in ${((Date.now() - started) / 1000).toFixed(1)}s`);
    return binary;
  });
}


/** Module cache files are read-only; make the copy writable so we can add files and delete it. */
function makeWritable(dir: string): void {
  fs.chmodSync(dir, 0o755);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) makeWritable(p);
    else if (entry.isFile()) fs.chmodSync(p, 0o644);
  }
}

function removeTree(dir: string): void {
  if (!fs.existsSync(dir)) return;
  makeWritable(dir);
  fs.rmSync(dir, { recursive: true, force: true });
}
