/**
 * Test support for config loading: an in-memory {@linkcode ConfigHost}.
 *
 * Python counterpart: supervisor/tests/base.py (`DummyOptions` as a config host).
 * @module
 */

import type { ConfigHost } from "./load.ts";

/** An in-memory host: `files` maps absolute paths to contents; their parents are directories. */
export function hostOf(files: Record<string, string>, env: Record<string, string> = { HOME: "/root" }): ConfigHost {
  const dirs = new Set<string>(["/", "/tmp", "/var/log"]);
  for (const path of Object.keys(files)) {
    for (let i = path.lastIndexOf("/"); i > 0; i = path.lastIndexOf("/", i - 1)) dirs.add(path.slice(0, i));
  }
  return {
    readFile: (p) => {
      const text = files[p];
      if (text === undefined) throw Object.assign(new Error(`ENOENT: ${p}`), { code: "ENOENT" });
      return new TextEncoder().encode(text);
    },
    exists: (p) => p in files || dirs.has(p),
    isDirectory: (p) => dirs.has(p),
    readDir: (p) =>
      dirs.has(p)
        ? [...Object.keys(files), ...dirs].filter((f) =>
          f !== p && f.startsWith(p + "/") && !f.slice(p.length + 1).includes("/")
        )
          .map((f) => f.slice(p.length + 1))
        : null,
    env,
    cwd: "/etc/sv",
    hostname: "box",
    uid: 0,
    tempdir: "/tmp",
    passwd:
      () => [{ name: "root", uid: 0, gid: 0, home: "/root" }, { name: "nobody", uid: 65534, gid: 65534, home: "/" }],
    groups: () => [{ name: "root", gid: 0, members: [] }, { name: "nogroup", gid: 65534, members: [] }],
  };
}
