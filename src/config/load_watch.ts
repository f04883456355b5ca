/**
 * The watch keys of a program (EXTENSIONS.md §9), with the Go port's names:
 * `restart_directory_monitor` (watched roots, relative to the directory of
 * the file holding the section), `restart_file_pattern` (alias
 * `restart_file_patterns`), `restart_file_ignore`, `restart_debounce`,
 * `restart_when_binary_changed`, and `restart_signal_when_*_changed` /
 * `restart_cmd_when_*_changed` to signal or run a command instead of
 * restarting, and `restart_cascade` to restart the program's `depends_on`
 * dependents too. Python reads options by name, so it never sees these keys: a
 * config using them still loads in supervisord 4.2.5.
 *
 * Python counterpart: none (the peers: the Go port's
 * `process_change_monitor.go`, process-compose's `watch`).
 * @module
 */

import { boolean, signalNumber } from "./datatypes.ts";
import { ValueConversionError } from "./errors.ts";
import { duration } from "./ext_values.ts";
import { isAbs, join, normpath } from "./pypath.ts";
import type { WatchAction, WatchConfig } from "./schema.ts";

/** Reads one expanded option, or null when it is absent. */
type KeyReader = (key: string) => string | null;

/** `restart_file_ignore`'s default. */
export const DEFAULT_WATCH_IGNORE: readonly string[] = [
  ".git",
  "node_modules",
  "__pycache__",
  ".venv",
  "*.log",
  "*.swp",
  "*~",
  ".#*",
];

const list = (raw: string) => raw.split(/[\s,]+/).filter((s) => s !== "");

/**
 * The watch of one process, or null when neither `restart_directory_monitor`
 * nor `restart_when_binary_changed` asks for one.
 *
 * @param get Reads an expanded option of the section.
 * @param base The directory relative roots start at.
 */
export function readWatchKeys(get: KeyReader, base: string): WatchConfig | null {
  const dirsRaw = get("restart_directory_monitor");
  const binaryRaw = get("restart_when_binary_changed");
  const binary = binaryRaw === null ? false : boolean(binaryRaw);
  const pattern = get("restart_file_pattern");
  const patterns = get("restart_file_patterns");
  if (pattern !== null && patterns !== null) {
    throw new ValueConversionError("restart_file_pattern and restart_file_patterns are exclusive");
  }
  const dirs = dirsRaw === null ? [] : list(dirsRaw).map((d) => normpath(isAbs(d) ? d : join(base, d)));
  if (dirs.length === 0 && !binary) {
    if ((pattern ?? patterns) !== null) {
      throw new ValueConversionError("restart_file_pattern needs restart_directory_monitor");
    }
    return null;
  }
  const ignore = get("restart_file_ignore");
  const cascade = get("restart_cascade");
  const debounce = get("restart_debounce");
  return {
    dirs,
    patterns: list(pattern ?? patterns ?? "*"),
    ignore: ignore === null ? [...DEFAULT_WATCH_IGNORE] : list(ignore),
    debounce: debounce === null ? 0.3 : duration(debounce),
    binary,
    on_file: action(get, "file"),
    on_binary: action(get, "binary"),
    cascade: cascade === null ? false : boolean(cascade),
  };
}

function action(get: KeyReader, what: "file" | "binary"): WatchAction {
  const signal = get(`restart_signal_when_${what}_changed`);
  const cmd = get(`restart_cmd_when_${what}_changed`);
  if (signal !== null && cmd !== null) {
    throw new ValueConversionError(
      `restart_signal_when_${what}_changed and restart_cmd_when_${what}_changed are exclusive`,
    );
  }
  if (signal !== null) return { kind: "signal", signal: signalNumber(signal) };
  if (cmd !== null) {
    if (cmd.trim() === "") throw new ValueConversionError(`restart_cmd_when_${what}_changed is empty`);
    return { kind: "command", command: cmd.trim() };
  }
  return { kind: "restart" };
}

/** `[supervisord] watch`: present only when set. */
export function watchSwitch(raw: string | null): { watch?: boolean } {
  return raw === null ? {} : { watch: boolean(raw) };
}
