/**
 * Reads the extension keys of an HTTP server section (EXTENSIONS.md §8):
 * `api`, `metrics`, `metrics_auth`, `metrics_families` and
 * `metrics_process_tree`. Python reads a server section's options by name,
 * so it never sees these keys: a config using them still loads in
 * supervisord 4.2.5 (a section named `[inet_http_server_metrics]` would not
 * be ignored, which is why these are keys and not a section).
 *
 * Python counterpart: none (supervisor/options.py
 * `ServerOptions.server_configs_from_parser` is the model for reading keys
 * by name).
 * @module
 */

import { boolean } from "./datatypes.ts";
import { ValueConversionError } from "./errors.ts";
import type { KeyReader } from "./load_extensions.ts";
import { defaultServerExtensions, type MetricsFamily, type ServerExtensions } from "./schema.ts";

const FAMILIES: readonly MetricsFamily[] = ["native", "node", "supervisor_exporter"];

/** The section's extension keys; defaults for the absent ones. */
export function readServerExtensions(get: KeyReader): ServerExtensions {
  const d = defaultServerExtensions();
  const flag = (key: keyof ServerExtensions, fallback: boolean) => {
    const v = get(key);
    return v === null ? fallback : boolean(v);
  };
  const families = get("metrics_families");
  return {
    api: flag("api", d.api),
    metrics: flag("metrics", d.metrics),
    metrics_auth: flag("metrics_auth", d.metrics_auth),
    metrics_families: families === null ? d.metrics_families : metricsFamilies(families),
    metrics_process_tree: flag("metrics_process_tree", d.metrics_process_tree),
  };
}

/** `metrics_families`: a comma and/or whitespace separated list, duplicates dropped. */
export function metricsFamilies(s: string): MetricsFamily[] {
  const out: MetricsFamily[] = [];
  for (const word of s.split(/[\s,]+/).filter((w) => w !== "")) {
    const found = FAMILIES.find((f) => f === word.toLowerCase());
    if (found === undefined) {
      throw new ValueConversionError(`metrics_families entries must be ${FAMILIES.join(", ")} (got '${word}')`);
    }
    if (!out.includes(found)) out.push(found);
  }
  return out;
}
