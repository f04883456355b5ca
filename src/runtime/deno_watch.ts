/**
 * The Deno adapter's file watch: `Deno.watchFs`, recursive, with access
 * events dropped and errors mapped to the runtime error classes.
 *
 * Python counterpart: none (supervisord has no file watch; the peers: the
 * Go port's change monitor, process-compose's watch).
 * @module
 */

import type { FileWatcher } from "./types.ts";
import { mapError } from "./_map_error.ts";

/** Watches `path` (see `Runtime.watch`). */
export function denoWatch(
  path: string,
  recursive: boolean,
  onChange: (paths: readonly string[]) => void,
  onError: (e: Error) => void,
): FileWatcher {
  let watcher: Deno.FsWatcher;
  try {
    watcher = Deno.watchFs(path, { recursive });
  } catch (e) {
    throw mapError(e, `watch ${path}`);
  }
  let closed = false;
  (async () => {
    try {
      for await (const event of watcher) {
        if (closed) return;
        if (event.kind !== "access" && event.paths.length > 0) onChange(event.paths);
      }
    } catch (e) {
      if (!closed) onError(mapError(e, `watch ${path}`) as Error);
    }
  })();
  return {
    close() {
      if (closed) return;
      closed = true;
      try {
        watcher.close();
      } catch { /* already closed */ }
    },
  };
}
