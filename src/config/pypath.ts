/**
 * POSIX path helpers with Python `posixpath` semantics (`normpath` keeps a
 * leading `//`, `join` restarts at an absolute component, …), so paths in
 * messages and configs come out byte for byte as supervisord prints them.
 *
 * Python counterpart: CPython Lib/posixpath.py, and `normalize_path` in
 * supervisor/options.py.
 * @module
 */

/** `os.path.isabs`. */
export function isAbs(path: string): boolean {
  return path.startsWith("/");
}

/** `os.path.join`: an absolute component discards everything before it. */
export function join(first: string, ...rest: string[]): string {
  let out = first;
  for (const part of rest) {
    if (part.startsWith("/")) out = part;
    else if (out === "" || out.endsWith("/")) out += part;
    else out += "/" + part;
  }
  return out;
}

/** `os.path.split`. */
export function split(path: string): [string, string] {
  const i = path.lastIndexOf("/") + 1;
  let head = path.slice(0, i);
  const tail = path.slice(i);
  if (head && head !== "/".repeat(head.length)) head = head.replace(/\/+$/, "");
  return [head, tail];
}

/** `os.path.dirname`. */
export function dirname(path: string): string {
  return split(path)[0];
}

/** `os.path.basename`. */
export function basename(path: string): string {
  return split(path)[1];
}

/** `os.path.normpath`. */
export function normpath(path: string): string {
  if (path === "") return ".";
  let initial = path.startsWith("/") ? 1 : 0;
  // POSIX allows one implementation-defined leading `//`; three or more collapse.
  if (initial && path.startsWith("//") && !path.startsWith("///")) initial = 2;
  const parts: string[] = [];
  for (const comp of path.split("/")) {
    if (comp === "" || comp === ".") continue;
    if (comp !== ".." || (!initial && parts.length === 0) || parts.at(-1) === "..") {
      parts.push(comp);
    } else if (parts.length > 0) {
      parts.pop();
    }
  }
  const joined = "/".repeat(initial) + parts.join("/");
  return joined || ".";
}

/** `os.path.abspath`, relative to `cwd`. */
export function abspath(path: string, cwd: string): string {
  return normpath(isAbs(path) ? path : join(cwd, path));
}

/**
 * Python's `os.path.expanduser(path)`: `~` and `~/rest` use `home`;
 * `~user/rest` uses `userHome(user)`. When the home is unknown the path is
 * returned unchanged. Trailing slashes of the home are dropped, and an empty
 * result becomes `/`.
 */
export function expandUser(
  path: string,
  home: string | undefined,
  userHome?: (name: string) => string | undefined,
): string {
  if (!path.startsWith("~")) return path;
  let slash = path.indexOf("/", 1);
  if (slash < 0) slash = path.length;
  const found = slash === 1 ? home : userHome?.(path.slice(1, slash));
  if (found === undefined) return path;
  return found.replace(/\/+$/, "") + path.slice(slash) || "/";
}

/** supervisor's `normalize_path`: expanduser, then abspath (which normalises). */
export function normalizePath(path: string, cwd: string, home: string | undefined): string {
  return abspath(expandUser(path, home), cwd);
}
