/**
 * A strict parser of the Prometheus text format 0.0.4 for the tests: every
 * line must be a `# HELP`, a `# TYPE` or a sample of the family just
 * declared (TYPE before its samples, one TYPE and HELP per family, no family
 * twice), metric and label names must match the format's grammar, label
 * values use only the `\\`, `\"` and `\n` escapes, no label appears twice,
 * values parse as Go floats, the text ends with a newline, and no two
 * samples of a family have the same label set.
 *
 * Python counterpart: none (test support; prometheus/common `expfmt.TextParser`
 * is the reference).
 * @module
 */

/** One parsed sample. */
export interface ParsedSample {
  readonly labels: Record<string, string>;
  readonly value: number;
}

/** One parsed family. */
export interface ParsedFamily {
  readonly help: string | null;
  readonly type: string;
  readonly samples: ParsedSample[];
}

const METRIC = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(["counter", "gauge", "histogram", "summary", "untyped"]);

function parseValue(s: string, line: number): number {
  if (s === "NaN") return NaN;
  if (s === "+Inf" || s === "Inf") return Infinity;
  if (s === "-Inf") return -Infinity;
  if (!/^[+-]?(\d+\.?\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?)$/.test(s)) {
    throw new Error(`line ${line}: bad value '${s}'`);
  }
  return Number(s);
}

function parseLabels(text: string, line: number): [Record<string, string>, string] {
  const labels: Record<string, string> = {};
  let i = 0;
  for (;;) {
    if (text[i] === "}") return [labels, text.slice(i + 1)];
    const eq = text.indexOf("=", i);
    if (eq === -1) throw new Error(`line ${line}: unterminated labels`);
    const name = text.slice(i, eq);
    if (!LABEL.test(name)) throw new Error(`line ${line}: bad label name '${name}'`);
    if (name in labels) throw new Error(`line ${line}: label '${name}' twice`);
    if (text[eq + 1] !== '"') throw new Error(`line ${line}: label value must be quoted`);
    let value = "";
    let j = eq + 2;
    for (;; j++) {
      const c = text[j];
      if (c === undefined) throw new Error(`line ${line}: unterminated label value`);
      if (c === '"') break;
      if (c === "\\") {
        const n = text[++j];
        if (n === "\\") value += "\\";
        else if (n === '"') value += '"';
        else if (n === "n") value += "\n";
        else throw new Error(`line ${line}: bad escape \\${n}`);
      } else value += c;
    }
    labels[name] = value;
    i = j + 1;
    if (text[i] === ",") i++;
    else if (text[i] !== "}") throw new Error(`line ${line}: expected , or } after a label`);
  }
}

/** Parses `text`; throws an Error naming the line at the first violation. */
export function parseExposition(text: string): Map<string, ParsedFamily> {
  const families = new Map<string, ParsedFamily>();
  if (text !== "" && !text.endsWith("\n")) throw new Error("the text must end with a newline");
  let current: string | null = null;
  const seen = new Map<string, Set<string>>();
  const lines = text.split("\n").slice(0, -1);
  lines.forEach((raw, idx) => {
    const n = idx + 1;
    if (raw.startsWith("#")) {
      const m = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(raw);
      if (m === null) throw new Error(`line ${n}: only # HELP and # TYPE comments are expected: ${raw}`);
      const [, kind, name, rest] = m as unknown as [string, string, string, string];
      if (!METRIC.test(name)) throw new Error(`line ${n}: bad metric name '${name}'`);
      const fam = families.get(name);
      if (fam !== undefined && current !== name) throw new Error(`line ${n}: family ${name} appears twice`);
      if (kind === "TYPE") {
        if (!TYPES.has(rest)) throw new Error(`line ${n}: bad type '${rest}'`);
        if (fam !== undefined && fam.type !== "") throw new Error(`line ${n}: second TYPE for ${name}`);
        if (fam !== undefined && fam.samples.length > 0) throw new Error(`line ${n}: TYPE after samples`);
        families.set(name, { help: fam?.help ?? null, type: rest, samples: fam?.samples ?? [] });
      } else {
        if (fam?.help != null) throw new Error(`line ${n}: second HELP for ${name}`);
        families.set(name, { help: rest, type: fam?.type ?? "", samples: fam?.samples ?? [] });
      }
      current = name;
      return;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(.*)$/.exec(raw);
    if (m === null) throw new Error(`line ${n}: not a sample: ${raw}`);
    const name = m[1]!;
    let rest = m[2]!;
    let labels: Record<string, string> = {};
    if (rest.startsWith("{")) [labels, rest] = parseLabels(rest.slice(1), n);
    const parts = rest.split(" ");
    if (parts[0] !== "" || parts.length < 2 || parts.length > 3) throw new Error(`line ${n}: bad sample '${raw}'`);
    const value = parseValue(parts[1]!, n);
    if (parts.length === 3 && !/^-?\d+$/.test(parts[2]!)) throw new Error(`line ${n}: bad timestamp`);
    if (name !== current) throw new Error(`line ${n}: sample of ${name} outside its family (${current})`);
    const fam = families.get(name)!;
    if (fam.type === "") throw new Error(`line ${n}: sample before TYPE`);
    const key = JSON.stringify(Object.entries(labels).sort());
    const keys = seen.get(name) ?? new Set();
    if (keys.has(key)) throw new Error(`line ${n}: duplicate sample ${raw}`);
    keys.add(key);
    seen.set(name, keys);
    fam.samples.push({ labels, value });
  });
  return families;
}
