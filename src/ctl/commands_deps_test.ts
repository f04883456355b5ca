import { deepEqual } from "node:assert/strict";
import { startOrder } from "./commands_deps.ts";

const p = (namespec: string, depends_on: string[] | null = null) => {
  const [group, name] = namespec.includes(":") ? namespec.split(":") as [string, string] : [namespec, namespec];
  return { name, group, namespec, statename: "STOPPED", depends_on, health: null };
};

Deno.test("[EXT.ctl.withdeps] start --with-deps order: dependencies first (transitively), each once, with the conditions waited for", () => {
  const all = [
    p("web", ["db:healthy", "migrate:succeeded"]),
    p("migrate", ["db:running"]),
    p("db"),
    p("pool:w0", ["web:running"]),
    p("pool:w1", ["web:running"]),
    p("other"),
  ];
  const order = startOrder(all, ["pool"]).map((x) => [x.proc.namespec, x.conditions]);
  deepEqual(order, [
    ["db", ["healthy", "running"]],
    ["migrate", ["succeeded"]],
    ["web", ["running"]],
    ["pool:w0", []],
    ["pool:w1", []],
  ]);
  deepEqual(startOrder(all, ["other"]).map((x) => x.proc.namespec), ["other"]);
});
