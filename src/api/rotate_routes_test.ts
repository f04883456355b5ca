import { deepEqual, equal } from "node:assert/strict";
import { createHttpHandler } from "../http/server.ts";
import { programGroup, settle, testDaemon } from "../rpc/_api_testing.ts";
import { checkSchema, responseSchema } from "./_schema_check.ts";
import { OPENAPI } from "./openapi.ts";
import { apiRoute } from "./routes.ts";

const BASE = "http://127.0.0.1:9001/api/v1";
const post = (path: string) =>
  new Request(BASE + path, { method: "POST", headers: { "Content-Type": "application/json" } });

async function daemon() {
  const d = await testDaemon([
    programGroup("web", [{
      stdout_logfile: "/logs/web.out",
      stderr_logfile: "/logs/web.err",
      stdout_logfile_backups: 2,
    }]),
    programGroup("idle", [{ stdout_logfile: "/logs/idle.out" }]),
  ], () => ({}));
  const handler = createHttpHandler({
    rpc: { handle: () => Promise.reject(new Error("no rpc")) },
    routes: [apiRoute({ supervisor: d.sup, logger: d.logger, runtime: d.rt })],
  });
  return { ...d, handler };
}

async function conforming(res: Response, path: string) {
  const body = await res.json();
  deepEqual(checkSchema(OPENAPI, responseSchema(OPENAPI, "POST", path, res.status), body), [], JSON.stringify(body));
  return body;
}

Deno.test("POST /processes/{ns}/logs/rotate rotates an open log now; a stopped process's log is reported not rotated", async () => {
  const d = await daemon();
  const child = d.start("web");
  child.writeStdout("before\n");
  await settle();
  equal(d.rt.fs.text("/logs/web.out"), "before\n");
  const res = await d.handler(post("/processes/web/logs/rotate?stream=stdout"));
  equal(res.status, 200);
  deepEqual((await conforming(res, "/processes/{ns}/logs/rotate")).results, [
    { target: "web", stream: "stdout", path: "/logs/web.out", rotated: true },
  ]);
  equal(d.rt.fs.text("/logs/web.out.1"), "before\n");
  equal(d.rt.fs.text("/logs/web.out"), "");
  const idle = await d.handler(post("/processes/idle/logs/rotate"));
  deepEqual((await idle.json()).results, [{
    target: "idle",
    stream: "stdout",
    path: "/logs/idle.out",
    rotated: false,
  }]);
  equal((await d.handler(post("/processes/nope/logs/rotate"))).status, 404);
  equal((await d.handler(post("/processes/web/logs/rotate?stream=all"))).status, 400);
});

Deno.test("POST /logs/rotate covers the main log and every process log", async () => {
  const d = await daemon();
  d.start("web");
  const res = await d.handler(post("/logs/rotate"));
  const results = (await conforming(res, "/logs/rotate")).results as Array<
    { target: string; stream: string; rotated: boolean }
  >;
  deepEqual(results.map((r) => `${r.target}/${r.stream}/${r.rotated}`), [
    "main/main/false", // the test daemon's main log keeps no backups
    "web/stdout/true",
    "web/stderr/true",
    "idle/stdout/false",
  ]);
});

Deno.test("POST /logs/rotate can leave out the main log or the process logs", async () => {
  const d = await daemon();
  d.start("web");
  const req = (body: string) =>
    new Request(BASE + "/logs/rotate", { method: "POST", headers: { "Content-Type": "application/json" }, body });
  const onlyMain = await conforming(await d.handler(req('{"processes":false}')), "/logs/rotate");
  deepEqual(onlyMain.results.map((r: { target: string }) => r.target), ["main"]);
  const onlyProcs = await conforming(await d.handler(req('{"main":false}')), "/logs/rotate");
  equal(onlyProcs.results.some((r: { target: string }) => r.target === "main"), false);
  equal((await d.handler(req('{"main":"yes"}'))).status, 400);
});
