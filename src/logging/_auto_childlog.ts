/**
 * Names and creates `AUTO` child log files (SURFACE LOG.child.auto): an empty
 * file with mode 0600 named `<process>-<channel>---<identifier>-XXXXXXXX.log`
 * in the absolute childlogdir, the eight characters drawn from `[a-z0-9_]`,
 * retrying on a name that already exists, as `tempfile.mkstemp` does.
 *
 * Python counterpart: supervisor/options.py (`ServerOptions.
 * get_autochildlog_name`, `mktempfile`, `ProcessConfig.create_autochildlogs`).
 * @module
 */

import { abspath, join } from "../config/pypath.ts";
import { AlreadyExistsError, type FileSystem } from "../runtime/types.ts";

/** The characters of Python's `tempfile._RandomNameSequence`. */
const CHARACTERS = "abcdefghijklmnopqrstuvwxyz0123456789_";

/** Python's `tempfile.TMP_MAX`: how many names to try. */
const TMP_MAX = 10000;

function randomName(random: () => number): string {
  let name = "";
  for (let i = 0; i < 8; i++) name += CHARACTERS[Math.floor(random() * CHARACTERS.length)];
  return name;
}

/**
 * Creates a new AUTO log file and returns its absolute path. Throws the
 * RuntimeError of the failed create (e.g. ENOENT when the directory is
 * missing), or AlreadyExistsError when every name tried exists.
 *
 * @param fs The file system.
 * @param dir `childlogdir` (made absolute against `cwd`).
 * @param cwd The current directory.
 * @param prefix `<process>-<channel>---<identifier>-`.
 * @param random A source of numbers in [0, 1).
 */
export function createAutoChildLog(
  fs: FileSystem,
  dir: string,
  cwd: string,
  prefix: string,
  random: () => number,
): string {
  const base = abspath(dir, cwd);
  for (let attempt = 0; attempt < TMP_MAX; attempt++) {
    const path = join(base, `${prefix}${randomName(random)}.log`);
    try {
      fs.openWriteSync(path, "exclusive", 0o600).close();
      return path;
    } catch (e) {
      if (!(e instanceof AlreadyExistsError)) throw e;
    }
  }
  throw new AlreadyExistsError(`No usable temporary file name found in ${base}`);
}
