import { deepEqual, equal, throws } from "node:assert/strict";
import { parseExposition } from "./_exposition_parser.ts";
import { exposition, formatValue } from "./exposition.ts";

Deno.test("exposition writes HELP, TYPE and samples with sorted, escaped labels; empty families are left out", () => {
  const text = exposition([
    {
      name: "x_total",
      help: "a \\ help\nline",
      type: "counter",
      samples: [{ labels: { name: 'a"b', group: "g\\h\ni" }, value: 3 }, { labels: {}, value: 0.5 }],
    },
    { name: "empty", help: "nothing", type: "gauge", samples: [] },
  ]);
  equal(
    text,
    "# HELP x_total a \\\\ help\\nline\n# TYPE x_total counter\n" +
      'x_total{group="g\\\\h\\ni",name="a\\"b"} 3\nx_total 0.5\n',
  );
  const parsed = parseExposition(text);
  deepEqual([...parsed.keys()], ["x_total"]);
  deepEqual(parsed.get("x_total")?.samples[0]?.labels, { group: "g\\h\ni", name: 'a"b' });
  equal(exposition([]), "");
  deepEqual([formatValue(NaN), formatValue(Infinity), formatValue(-Infinity), formatValue(1e21)], [
    "NaN",
    "+Inf",
    "-Inf",
    "1e+21",
  ]);
});

Deno.test("the strict parser refuses what the format forbids", () => {
  const bad = [
    "x 1", // no final newline
    "x 1\n", // sample before TYPE
    "# TYPE x gauge\n# TYPE x gauge\nx 1\n", // second TYPE
    "# TYPE x gauge\nx 1\n# TYPE y gauge\ny 1\n# HELP x again\n", // family twice
    "# TYPE x gauge\ny 1\n", // sample outside its family
    '# TYPE x gauge\nx{a="1",a="2"} 1\n', // label twice
    '# TYPE x gauge\nx{a="\\t"} 1\n', // bad escape
    "# TYPE x gauge\nx{a=1} 1\n", // unquoted value
    "# TYPE x gauge\nx one\n", // bad value
    "# TYPE x gauge\nx 1\nx 2\n", // duplicate series
    "# TYPE x flavour\nx 1\n", // bad type
    "# TYPE 1x gauge\n", // bad name
    "# a comment\n", // stray comment
    "# TYPE x gauge\nx  1\n", // two spaces
  ];
  for (const text of bad) throws(() => parseExposition(text), Error, JSON.stringify(text));
  deepEqual(parseExposition('# TYPE x gauge\nx{a="1",} +Inf 123\n').get("x")?.samples, [
    { labels: { a: "1" }, value: Infinity },
  ]);
});
