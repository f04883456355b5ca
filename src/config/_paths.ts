/**
 * Path-valued config converters: `~` expansion and the checks that a
 * directory (or the directory part of a file path) exists. The host is
 * reached only through the `PathProbe` the caller passes in.
 *
 * Python counterpart: supervisor/datatypes.py (`existing_directory`,
 * `existing_dirpath`, `logfile_name`) and CPython's `posixpath.expanduser`
 * and `posixpath.dirname`.
 * @module
 */

import { ValueConversionError } from "./errors.ts";
import { dirname, expandUser } from "./pypath.ts";

export { expandUser };

/** What the path converters need to know about the host. */
export interface PathProbe {
  /** `$HOME` (or, when unset, the current user's passwd home directory). */
  home: string | undefined;
  /** Python's `os.path.isdir(path)` (follows symlinks; false on errors). */
  isDirectory(path: string): boolean;
  /** Home directory of a named user for `~user` (passwd lookup). */
  userHome?(name: string): string | undefined;
}

/** DT.logfile result: no log, an automatic file, syslog, or a path. */
export type LogfileName =
  | { kind: "none" }
  | { kind: "auto" }
  | { kind: "syslog" }
  | { kind: "path"; path: string };

function expand(s: string, probe: PathProbe): string {
  return expandUser(s, probe.home, probe.userHome?.bind(probe));
}

/** DT.existingdir: `~` expanded; must name an existing directory. */
export function existingDirectory(s: string, probe: PathProbe): string {
  const expanded = expand(s, probe);
  if (probe.isDirectory(expanded)) return expanded;
  throw new ValueConversionError(`${s} is not an existing directory`);
}

/**
 * DT.dirpath: `~` expanded; a path with a directory part needs that
 * directory to exist; a bare file name is accepted as is.
 */
export function existingDirpath(s: string, probe: PathProbe): string {
  const expanded = expand(s, probe);
  const dir = dirname(expanded);
  if (dir === "" || probe.isDirectory(dir)) return expanded;
  throw new ValueConversionError(
    `The directory named as part of the path ${s} does not exist`,
  );
}

/**
 * DT.logfile: `none`/`off` (any case) → no log, `auto` → automatic file in
 * childlogdir, `syslog` → the deprecated syslog marker, else DT.dirpath.
 */
export function logfileName(s: string, probe: PathProbe): LogfileName {
  const lower = s.toLowerCase();
  if (lower === "none" || lower === "off") return { kind: "none" };
  if (lower === "auto") return { kind: "auto" };
  if (lower === "syslog") return { kind: "syslog" };
  return { kind: "path", path: existingDirpath(s, probe) };
}
