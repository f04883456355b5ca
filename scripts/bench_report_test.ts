import assert from "node:assert/strict";
import {
  formatRatio,
  formatTarget,
  formatValue,
  median,
  renderSamples,
  renderTable,
  Results,
  shorten,
  sideCell,
  targetMet,
} from "./bench_report.ts";

Deno.test("median() takes the middle value, or the mean of the middle two", () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([7]), 7);
  assert.ok(Number.isNaN(median([])));
});

Deno.test("formatValue() and formatRatio() scale precision with magnitude", () => {
  assert.equal(formatValue(1004.8), "1005");
  assert.equal(formatValue(56.54), "56.5");
  assert.equal(formatValue(0.256), "0.26");
  assert.equal(formatValue(0), "0");
  assert.equal(formatValue(0.0123), "0.012");
  assert.equal(formatValue(NaN), "—");
  assert.equal(formatRatio(0.0149), "0.015×");
  assert.equal(formatRatio(0.5), "0.50×");
  assert.equal(formatRatio(0), "0×");
  assert.equal(formatRatio(12.34), "12.3×");
  assert.equal(formatRatio(Infinity), "—");
});

Deno.test("targetMet() checks absolute bounds and ratio bounds in both directions", () => {
  assert.equal(targetMet({ kind: "abs", max: 20, unit: "ms" }, 1000, 19), true);
  assert.equal(targetMet({ kind: "abs", max: 20, unit: "ms" }, 1000, 21), false);
  assert.equal(targetMet({ kind: "abs", max: 20, unit: "ms" }, NaN, NaN), null);
  assert.equal(targetMet({ kind: "ratio", max: 0.5 }, 1000, 500), true);
  assert.equal(targetMet({ kind: "ratio", max: 0.5 }, 1000, 501), false);
  assert.equal(targetMet({ kind: "ratio", min: 1 }, 50, 49), false);
  assert.equal(targetMet({ kind: "ratio", min: 1 }, 50, 60), true);
  assert.equal(targetMet({ kind: "ratio", max: 0.1 }, 0, 0), null);
  assert.equal(formatTarget({ kind: "ratio", min: 1 }), "≥ 1× Python");
  assert.equal(formatTarget({ kind: "abs", max: 20, unit: "ms" }), "≤ 20 ms");
  assert.equal(formatTarget({ kind: "abs", max: 0, unit: "" }), "≤ 0");
  assert.equal(formatTarget({ kind: "none" }), "—");
  assert.equal(targetMet({ kind: "none" }, 10, 5), null);
});

Deno.test("shorten() keeps the start and the end of a long reason", () => {
  assert.equal(shorten("exited: status 1"), "exited: status 1");
  const long = `exited: status 1: supervisord: ${"x".repeat(100)} process supervision is not available`;
  const s = shorten(long, 60);
  assert.equal(s.length, 60);
  assert.ok(s.startsWith("exited: status 1: superv…"), s);
  assert.ok(s.endsWith("supervision is not available"), s);
});

Deno.test("sideCell() shows n/a with the first reason when no repetition produced a value", () => {
  assert.equal(sideCell({ values: [], failures: ["exited: status 1: boom", "other"] }), "n/a (exited: status 1: boom)");
  assert.equal(sideCell({ values: [], failures: [] }), "not run");
  assert.equal(sideCell({ values: [10, 30, 20], failures: [] }), "20.0");
  assert.equal(sideCell({ values: [10, 30], failures: ["timeout"] }), "20.0 (2/3 ok)");
});

Deno.test("renderTable() lists medians, the ratio ours/Python and whether the target is met", () => {
  const r = new Results();
  r.declare({
    id: "a",
    scenario: "1. a|b",
    label: "time",
    unit: "ms",
    better: "lower",
    target: { kind: "ratio", max: 0.5 },
  });
  r.declare({
    id: "b",
    scenario: "2. b",
    label: "speed",
    unit: "MiB/s",
    better: "higher",
    target: { kind: "ratio", min: 1 },
  });
  for (const v of [1000, 1010, 990]) r.add("a", "python", v);
  for (const v of [100, 120, 110]) r.add("a", "ours", v);
  r.add("b", "python", 56.5);
  r.fail("b", "ours", "exited: status 1: not available");
  const lines = renderTable(r).split("\n");
  assert.equal(lines.length, 4);
  assert.equal(lines[2], "| 1. a\\|b | time (ms) | 1000 | 110 | 0.11× | ≤ 0.5× Python | yes |");
  assert.equal(
    lines[3],
    "| 2. b | speed (MiB/s) | 56.5 | n/a (exited: status 1: not available) | — | ≥ 1× Python | — |",
  );
  assert.match(renderSamples(r), /- `a` ours: 100, 120, 110/);
  assert.match(renderSamples(r), /- `b` ours: failed: exited: status 1: not available/);
});

Deno.test("Results refuses samples for an undeclared metric", () => {
  assert.throws(() => new Results().add("nope", "ours", 1), RangeError);
});
