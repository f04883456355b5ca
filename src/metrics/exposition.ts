/**
 * The Prometheus text exposition format 0.0.4: metric families with their
 * `# HELP` and `# TYPE` lines, samples with labels in name order, label
 * values and help texts escaped as the format requires.
 *
 * Python counterpart: none (prometheus/client_golang `expfmt` and
 * prometheus/common's text format are the reference).
 * @module
 */

/** The Content-Type of the format. */
export const EXPOSITION_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/** A metric type of the format. */
export type MetricType = "gauge" | "counter" | "untyped";

/** One sample: labels and a value. */
export interface Sample {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** A family: one name, help, type and its samples. */
export interface Family {
  readonly name: string;
  readonly help: string;
  readonly type: MetricType;
  readonly samples: readonly Sample[];
}

const escapeHelp = (s: string) => s.replaceAll("\\", "\\\\").replaceAll("\n", "\\n");
const escapeLabel = (s: string) => s.replaceAll("\\", "\\\\").replaceAll("\n", "\\n").replaceAll('"', '\\"');

/** A sample value as the format writes it (`NaN`, `+Inf`, `-Inf`, else the shortest round-trip text). */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  return String(v);
}

function labelText(labels: Readonly<Record<string, string>>): string {
  const keys = Object.keys(labels).sort();
  if (keys.length === 0) return "";
  return `{${keys.map((k) => `${k}="${escapeLabel(labels[k]!)}"`).join(",")}}`;
}

/** The text of `families`, in the given order; a family without samples is left out. */
export function exposition(families: readonly Family[]): string {
  const out: string[] = [];
  for (const f of families) {
    if (f.samples.length === 0) continue;
    out.push(`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} ${f.type}`);
    for (const s of f.samples) out.push(`${f.name}${labelText(s.labels)} ${formatValue(s.value)}`);
  }
  return out.length === 0 ? "" : out.join("\n") + "\n";
}
