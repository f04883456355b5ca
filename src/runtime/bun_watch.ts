/**
 * The Bun adapter's file watch: `node:fs` `watch` with `recursive` (inotify
 * on Linux), names joined to the watched directory, errors mapped to the
 * runtime error classes.
 *
 * Python counterpart: none (supervisord has no file watch; the peers: the
 * Go port's change monitor, process-compose's watch).
 * @module
 */

import { type FSWatcher, statSync, watch } from "node:fs";
import type { FileWatcher } from "./types.ts";
import { mapError } from "./_map_error.ts";

/** Watches `path` (see `Runtime.watch`). */
export function bunWatch(
  path: string,
  recursive: boolean,
  onChange: (paths: readonly string[]) => void,
  onError: (e: Error) => void,
): FileWatcher {
  let watcher: FSWatcher;
  let closed = false;
  try {
    const dir = statSync(path).isDirectory();
    const base = path.endsWith("/") ? path.slice(0, -1) : path;
    watcher = watch(path, { recursive: dir && recursive }, (_event, name) => {
      if (closed) return;
      if (!dir || name === null || name === undefined) onChange([base]);
      else onChange([`${base}/${String(name)}`]);
    });
  } catch (e) {
    throw mapError(e, `watch ${path}`);
  }
  watcher.on("error", (e) => {
    if (!closed) onError(mapError(e, `watch ${path}`) as Error);
  });
  return {
    close() {
      if (closed) return;
      closed = true;
      watcher.close();
    },
  };
}
