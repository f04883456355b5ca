/**
 * Bun entry: `bun src/main_bun.ts [supervisord flags]`, and the file
 * `bun build --compile` turns into `dist/supervisord`.
 *
 * Python counterpart: the `supervisord` console script.
 * @module
 */

import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { type CliHost, runCli } from "./cli.ts";
import { startDaemon } from "./daemon.ts";

/** The program path as invoked: the binary for a compiled build, else the script. */
function argv0(): string {
  const script = process.argv[1] ?? "";
  if (!script.startsWith("/$bunfs/")) return script;
  try {
    const cmdline = readFileSync("/proc/self/cmdline", "utf8").split("\0");
    if (cmdline[0]) return cmdline[0];
  } catch { /* not Linux */ }
  return process.execPath;
}

function statOrNull(path: string) {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

const host: CliHost = {
  argv0: argv0(),
  cwd: process.cwd(),
  env: Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined)),
  uid: process.getuid?.() ?? 0,
  hostname: hostname(),
  exists: (p) => statOrNull(p) !== null,
  isDirectory: (p) => statOrNull(p)?.isDirectory() ?? false,
  isWritableDirectory: (p) => {
    if (!statOrNull(p)?.isDirectory()) return false;
    try {
      const probe = mkdtempSync(join(p, ".probe-"));
      rmSync(probe, { recursive: true });
      return true;
    } catch {
      return false;
    }
  },
  readFile: (p) => new Uint8Array(readFileSync(p)),
  readDir: (p) => {
    try {
      return readdirSync(p);
    } catch {
      return null;
    }
  },
  writeFile: (p, text) => writeFileSync(p, text),
  makeTempDir: (prefix) => mkdtempSync(join(tmpdir(), prefix)),
  stdout: (text) => writeFileSync(1, text),
  stderr: (text) => writeFileSync(2, text),
};

process.exit(await runCli(process.argv.slice(2), host, startDaemon));
