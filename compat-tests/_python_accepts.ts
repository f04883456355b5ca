/**
 * Loads config files with supervisord 4.2.5's own loader (`ServerOptions.
 * realize`, what `/usr/bin/supervisord -c FILE` runs before it starts
 * anything), to prove that configs using extension keys stay loadable by
 * Python (EXTENSIONS.md §0).
 *
 * Python counterpart: supervisor/options.py (`ServerOptions.realize`).
 * @module
 */

import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hasPython, PYTHON } from "./_python.ts";

const PY_LOAD = String.raw`
import json, os, sys
from supervisor.options import ServerOptions

class Usage(Exception):
    pass

def usage(msg):
    raise Usage(str(msg))

def load(path):
    os.chdir(os.path.dirname(path))
    o = ServerOptions()
    o.usage = usage
    try:
        o.realize(args=['-c', path])
        return None
    except Usage as e:
        return str(e)

sys.stdout.write(json.dumps([load(p) for p in json.loads(sys.stdin.read())]))
`;

/** Whether the check can run (Python's supervisor is installed). */
export const canAskPython: boolean = hasPython;

/**
 * Python's load error for each config text (written to a file of its own in
 * a temp directory, `{TMP}` replaced by that directory), or null where
 * Python loads it.
 */
export function pythonLoadErrors(texts: readonly string[]): (string | null)[] {
  const dir = mkdtempSync(join(tmpdir(), "svts-pyload-"));
  try {
    const paths = texts.map((text, i) => {
      const path = join(dir, `c${i}.conf`);
      writeFileSync(path, text.replaceAll("{TMP}", dir));
      return path;
    });
    const r = spawnSync(PYTHON, ["-I", "-c", PY_LOAD], {
      input: JSON.stringify(paths),
      encoding: "utf8",
      env: { PATH: "/usr/bin:/bin", HOME: "/root" },
    });
    if (r.status !== 0) throw new Error(`python exited with ${r.status}: ${r.stderr}`);
    return JSON.parse(r.stdout) as (string | null)[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
