/**
 * The environment supervisord's Python process sees at startup.
 *
 * CPython 3.7+ coerces a legacy C locale (PEP 538): when `LC_ALL` is unset
 * and the `LC_CTYPE` category resolves to `C`/`POSIX`, it sets
 * `LC_CTYPE=C.UTF-8` in its own environment before any code runs. supervisord
 * then sees that variable (as `%(ENV_LC_CTYPE)s`) and passes it to every
 * child, so a drop-in must add it the same way.
 *
 * Python counterpart: CPython Python/pylifecycle.c (`_Py_CoerceLegacyLocale`,
 * `_Py_LegacyLocaleDetected`).
 * @module
 */

const LEGACY = new Set(["", "C", "POSIX"]);

/**
 * Returns `env` with PEP 538 locale coercion applied. Locales that are named
 * but not installed (which CPython would also treat as `C`) cannot be seen
 * from here and are left alone.
 */
export function pythonStartupEnv(
  env: Readonly<Record<string, string>>,
): Record<string, string> {
  const out = { ...env };
  if (env.PYTHONCOERCECLOCALE === "0") return out;
  if (env.LC_ALL) return out;
  const ctype = env.LC_CTYPE || env.LANG || "";
  if (LEGACY.has(ctype)) out.LC_CTYPE = "C.UTF-8";
  return out;
}
