/**
 * Benchmark bookkeeping and the Markdown report: the metric table (what each
 * scenario measures and its target), per-side sample collection, medians,
 * the ours/Python ratio, target checks and the rendered table.
 *
 * Pure: no host APIs, so it is unit-tested under Deno and Bun alike.
 *
 * Python counterpart: none (project tooling for comparing against
 * supervisor 4.2.5's supervisord).
 * @module
 */

/** The two daemons compared. */
export type SideId = "python" | "ours";

/** Whether a smaller or a larger value is better. */
export type Better = "lower" | "higher";

/**
 * A target for our side: an absolute bound on our median (`abs`), or a bound
 * on the ratio ours/Python (`ratio`), or none (a figure shown for context).
 * `max` bounds from above, `min` from below.
 */
export type Target =
  | { kind: "abs"; max: number; unit: string }
  | { kind: "ratio"; max?: number; min?: number }
  | { kind: "none" };

/** One row of the table. */
export interface Metric {
  /** Stable key, e.g. `numprocs.start`. */
  id: string;
  /** Scenario title shown in the first column. */
  scenario: string;
  /** What is measured, with its unit. */
  label: string;
  unit: string;
  better: Better;
  target: Target;
}

/** Samples and failure reasons gathered for one metric on one side. */
export interface SideSamples {
  values: number[];
  failures: string[];
}

/** Collects samples per metric and side, in the order metrics are declared. */
export class Results {
  readonly metrics: Metric[] = [];
  readonly #data = new Map<string, Record<SideId, SideSamples>>();

  /** Declares a metric; later `add`/`fail` calls refer to its id. */
  declare(metric: Metric): void {
    if (this.#data.has(metric.id)) return;
    this.metrics.push(metric);
    this.#data.set(metric.id, {
      python: { values: [], failures: [] },
      ours: { values: [], failures: [] },
    });
  }

  /** Records one measured value. */
  add(metricId: string, side: SideId, value: number): void {
    this.#get(metricId, side).values.push(value);
  }

  /** Records that one repetition produced no value, and why. */
  fail(metricId: string, side: SideId, reason: string): void {
    this.#get(metricId, side).failures.push(reason);
  }

  /** The samples of one metric on one side. */
  samples(metricId: string, side: SideId): SideSamples {
    return this.#get(metricId, side);
  }

  #get(metricId: string, side: SideId): SideSamples {
    const entry = this.#data.get(metricId);
    if (entry === undefined) throw new RangeError(`Cannot record metric "${metricId}": it is not declared`);
    return entry[side];
  }
}

/** The median of `values` (mean of the middle two for an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Formats a measured value with precision that suits its size. */
export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return "—";
  const a = Math.abs(v);
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  if (a >= 0.1) return v.toFixed(2);
  if (a === 0) return "0";
  return v.toPrecision(2);
}

/** Formats a ratio as `0.42×`. */
export function formatRatio(r: number): string {
  if (!Number.isFinite(r)) return "—";
  return `${r >= 10 ? r.toFixed(1) : r >= 0.1 ? r.toFixed(2) : r === 0 ? "0" : r.toPrecision(2)}×`;
}

/** Describes a target, e.g. `≤ 20 ms` or `≤ 0.5× Python`. */
export function formatTarget(t: Target): string {
  if (t.kind === "none") return "—";
  if (t.kind === "abs") return `≤ ${t.max}${t.unit === "" ? "" : ` ${t.unit}`}`;
  const parts: string[] = [];
  if (t.min !== undefined) parts.push(`≥ ${t.min}×`);
  if (t.max !== undefined) parts.push(`≤ ${t.max}×`);
  return `${parts.join(", ")} Python`;
}

/**
 * Whether our median meets the target: `true`/`false`, or `null` when a
 * needed median is missing.
 */
export function targetMet(t: Target, python: number, ours: number): boolean | null {
  if (t.kind === "none" || !Number.isFinite(ours)) return null;
  if (t.kind === "abs") return ours <= t.max;
  if (!Number.isFinite(python) || python === 0) return null;
  const r = ours / python;
  return (t.max === undefined || r <= t.max) && (t.min === undefined || r >= t.min);
}

/** Escapes text for a Markdown table cell. */
export function cell(text: string): string {
  return text.replaceAll("|", "\\|").replaceAll("\n", " ");
}

/**
 * Shortens a failure reason to `max` characters: its first 24 (what
 * happened, e.g. `exited: status 1: ...`) and its end (an error line's end
 * says most), joined by `…`.
 */
export function shorten(reason: string, max = 90): string {
  const one = reason.replace(/\s+/g, " ").trim();
  if (one.length <= max) return one;
  const head = 24;
  return `${one.slice(0, head)}…${one.slice(one.length - (max - head - 1))}`;
}

/** The cell for one side: the median, or `n/a (<reason>)` when no repetition produced a value. */
export function sideCell(s: SideSamples): string {
  if (s.values.length === 0) {
    return s.failures.length === 0 ? "not run" : `n/a (${shorten(s.failures[0]!)})`;
  }
  const m = formatValue(median(s.values));
  const total = s.values.length + s.failures.length;
  return s.failures.length === 0 ? m : `${m} (${s.values.length}/${total} ok)`;
}

/** Renders the result table (one row per declared metric). */
export function renderTable(results: Results): string {
  const rows = [
    "| Scenario | Metric | Python (median) | ours (median) | ours/Python | Target (ours) | Met |",
    "|---|---|--:|--:|--:|---|:-:|",
  ];
  for (const m of results.metrics) {
    const py = results.samples(m.id, "python");
    const us = results.samples(m.id, "ours");
    const pm = median(py.values);
    const om = median(us.values);
    const met = targetMet(m.target, pm, om);
    rows.push(
      `| ${cell(m.scenario)} | ${cell(`${m.label} (${m.unit})`)} | ${cell(sideCell(py))} | ${cell(sideCell(us))} | ` +
        `${formatRatio(om / pm)} | ${cell(formatTarget(m.target))} | ${met === null ? "—" : met ? "yes" : "no"} |`,
    );
  }
  return rows.join("\n");
}

/** Renders every sample and failure, per metric and side, for the details section. */
export function renderSamples(results: Results): string {
  const lines: string[] = [];
  for (const m of results.metrics) {
    for (const side of ["python", "ours"] as const) {
      const s = results.samples(m.id, side);
      if (s.values.length === 0 && s.failures.length === 0) continue;
      const vals = s.values.map(formatValue).join(", ");
      const fails = s.failures.map((f) => `failed: ${shorten(f, 160)}`).join("; ");
      lines.push(`- \`${m.id}\` ${side}: ${[vals, fails].filter((x) => x !== "").join("; ")}`);
    }
  }
  return lines.join("\n");
}
