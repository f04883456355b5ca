/**
 * Deno entry: `deno run -A src/main_deno.ts [supervisord flags]`, and the file
 * `deno compile` targets.
 *
 * Python counterpart: the `supervisord` console script.
 * @module
 */

import { type CliHost, runCli } from "./cli.ts";
import { startDaemon } from "./daemon.ts";

function argv0(): string {
  const main = new URL(Deno.mainModule);
  if (main.protocol !== "file:") return Deno.execPath();
  // `deno compile` binaries report their own path as execPath.
  const exe = Deno.execPath();
  return /\/deno$/.test(exe) ? decodeURIComponent(main.pathname) : exe;
}

function statOrNull(path: string): Deno.FileInfo | null {
  try {
    return Deno.statSync(path);
  } catch {
    return null;
  }
}

const encoder = new TextEncoder();
const host: CliHost = {
  argv0: argv0(),
  cwd: Deno.cwd(),
  env: Deno.env.toObject(),
  uid: Deno.uid() ?? 0,
  hostname: Deno.hostname(),
  exists: (p) => statOrNull(p) !== null,
  isDirectory: (p) => statOrNull(p)?.isDirectory ?? false,
  isWritableDirectory: (p) => {
    if (!statOrNull(p)?.isDirectory) return false;
    try {
      const probe = Deno.makeTempFileSync({ dir: p });
      Deno.removeSync(probe);
      return true;
    } catch {
      return false;
    }
  },
  readFile: (p) => Deno.readFileSync(p),
  readDir: (p) => {
    try {
      return [...Deno.readDirSync(p)].map((e) => e.name);
    } catch {
      return null;
    }
  },
  writeFile: (p, text) => Deno.writeTextFileSync(p, text),
  makeTempDir: (prefix) => Deno.makeTempDirSync({ prefix }),
  stdout: (text) => Deno.stdout.writeSync(encoder.encode(text)),
  stderr: (text) => Deno.stderr.writeSync(encoder.encode(text)),
};

Deno.exit(await runCli(Deno.args, host, startDaemon));
