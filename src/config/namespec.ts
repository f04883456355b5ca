/**
 * Namespecs: how a process is addressed over RPC and on the command line
 * (`group:process`, or just `name` when group and process share it).
 *
 * Python counterpart: supervisor/options.py (`make_namespec`,
 * `split_namespec`).
 * @module
 */

/** GEN.namespec: `name` when group and process names match, else `group:process`. */
export function makeNamespec(group: string, process: string): string {
  return group === process ? process : `${group}:${process}`;
}

/**
 * GEN.namespec: splits at the first `:`. `g:p` → (g, p); `g:` and `g:*` →
 * (g, null), meaning the whole group; a name without `:` → (name, name).
 */
export function splitNamespec(
  s: string,
): { group: string; process: string | null } {
  const colon = s.indexOf(":");
  if (colon < 0) return { group: s, process: s };
  const process = s.slice(colon + 1);
  return {
    group: s.slice(0, colon),
    process: process === "" || process === "*" ? null : process,
  };
}
