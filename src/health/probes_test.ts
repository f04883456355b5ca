import { deepEqual, equal, ok } from "node:assert/strict";
import type { HealthCheckConfig, HealthProbeSpec } from "../config/schema.ts";
import { FakeRuntime } from "../runtime/fake.ts";
import { settle } from "../process/_testing.ts";
import { runProbe } from "./probes.ts";

function config(probe: HealthProbeSpec, extra: Partial<HealthCheckConfig> = {}): HealthCheckConfig {
  return {
    probe,
    interval: 10,
    timeout: 1,
    initial_delay: 0,
    start_period: 0,
    start_interval: 1,
    retries: 3,
    successes: 1,
    action: "restart",
    expect: probe.kind === "http" ? [[200, 399]] : [[0, 0]],
    body: null,
    tls_verify: true,
    ...extra,
  };
}

const program = () => ({ path: "/bin/app", argv: ["app"], env: { A: "1" }, cwd: "/srv", uid: 33 });

Deno.test("[EXT.health.tcp] tcp:// succeeds on a connect, fails when refused", async () => {
  const rt = new FakeRuntime();
  const spec: HealthProbeSpec = { kind: "tcp", host: "127.0.0.1", port: 5432 };
  const refused = await runProbe(rt, config(spec), program);
  equal(refused.ok, false);
  ok(refused.detail.includes("Connection refused"), refused.detail);
  await rt.serve({ transport: "tcp", hostname: "127.0.0.1", port: 5432 }, () => Promise.resolve(new Response("")));
  deepEqual(await runProbe(rt, config(spec), program), { ok: true, detail: "connected" });
});

Deno.test("[EXT.health.http] http:// checks the status against healthcheck_expect and the body against healthcheck_body", async () => {
  const rt = new FakeRuntime();
  let status = 200;
  let seen = "";
  await rt.serve({ transport: "tcp", hostname: "127.0.0.1", port: 8080 }, (req) => {
    seen = new URL(req.url).pathname;
    return Promise.resolve(new Response(status === 200 ? "all good" : "broken", { status }));
  });
  const spec: HealthProbeSpec = {
    kind: "http",
    url: "http://127.0.0.1:8080/healthz",
    host: "127.0.0.1",
    port: 8080,
    path: "/healthz",
  };
  deepEqual(await runProbe(rt, config(spec), program), { ok: true, detail: "HTTP 200" });
  equal(seen, "/healthz");
  status = 503;
  deepEqual(await runProbe(rt, config(spec), program), { ok: false, detail: "HTTP 503" });
  deepEqual(await runProbe(rt, config(spec, { expect: [[500, 599]] }), program), { ok: true, detail: "HTTP 503" });
  status = 200;
  deepEqual(await runProbe(rt, config(spec, { body: "good$" }), program), { ok: true, detail: "HTTP 200" });
  deepEqual(await runProbe(rt, config(spec, { body: "^bad" }), program), {
    ok: false,
    detail: "HTTP 200, body does not match",
  });
});

Deno.test("[EXT.health.file] file: is healthy while the file exists", async () => {
  const rt = new FakeRuntime();
  const spec: HealthProbeSpec = { kind: "file", path: "/run/app.ready" };
  equal((await runProbe(rt, config(spec), program)).ok, false);
  rt.fs.seedFile("/run/app.ready", "");
  equal((await runProbe(rt, config(spec), program)).ok, true);
});

Deno.test("[EXT.health.exec] exec: runs sh -c as the program would run; exit code against healthcheck_expect", async () => {
  const rt = new FakeRuntime();
  const spec: HealthProbeSpec = { kind: "exec", command: "pg_isready -q" };
  const pending = runProbe(rt, config(spec), program);
  const child = rt.lastChild;
  equal(child.options.path, "/bin/sh");
  deepEqual(child.options.argv, ["/bin/sh", "-c", "pg_isready -q"]);
  deepEqual([child.options.env, child.options.cwd, child.options.uid], [{ A: "1" }, "/srv", 33]);
  child.writeStdout("no response\n");
  child.exit(2);
  deepEqual(await pending, { ok: false, detail: "exit status 2: no response" });
  const second = runProbe(rt, config(spec), program);
  rt.lastChild.exit(0);
  deepEqual(await second, { ok: true, detail: "exit status 0" });
});

Deno.test("[EXT.health.exectimeout] an exec probe past its timeout gets SIGKILL on its whole process group and fails", async () => {
  const rt = new FakeRuntime();
  const spec: HealthProbeSpec = { kind: "exec", command: "sleep 10" };
  let result: unknown = null;
  runProbe(rt, config(spec, { timeout: 1 }), program).then((r) => (result = r));
  await settle();
  const child = rt.lastChild;
  rt.clock.advance(999);
  await settle();
  equal(result, null);
  rt.clock.advance(1);
  await settle(20);
  deepEqual(rt.kills[0], { pid: -child.pid, signal: "SIGKILL" });
  deepEqual(result, { ok: false, detail: "timed out after 1s" });
});
