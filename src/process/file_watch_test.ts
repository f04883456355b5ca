import { deepEqual, equal, ok } from "node:assert/strict";
import type { ProcessConfig, ProcessGroupConfig, WatchConfig } from "../config/schema.ts";
import { RuntimeError } from "../runtime/errors.ts";
import { FakeRuntime } from "../runtime/fake.ts";
import { programConfig, RecordingLogger, settle } from "./_testing.ts";
import { installFileWatches, watchErrorText } from "./file_watch.ts";
import { processStateName } from "./states.ts";
import { type EngineHost, Supervisor } from "./supervisor.ts";

function watch(extra: Partial<WatchConfig> = {}): WatchConfig {
  return {
    dirs: ["/app/src"],
    patterns: ["*"],
    ignore: [".git", "node_modules", "*.log", "*.swp", "*~", ".#*"],
    debounce: 0.3,
    binary: false,
    on_file: { kind: "restart" },
    on_binary: { kind: "restart" },
    cascade: false,
    ...extra,
  };
}

function prog(name: string, extra: Partial<ProcessConfig> = {}): ProcessGroupConfig {
  const config = programConfig({ name, command: `/bin/${name}`, startsecs: 0, ...extra });
  return { kind: "program", name, priority: config.priority, processes: [config] };
}

async function setup(groups: ProcessGroupConfig[], runtime = new FakeRuntime()) {
  runtime.killExits = true;
  const logger = new RecordingLogger("info");
  const host: EngineHost = {
    runtime,
    logger,
    createOutput: () => Promise.resolve(null),
    prepare: (proc) => ({ path: proc.config.command, argv: [proc.config.command], env: {} }),
  };
  const sup = new Supervisor(host);
  const watches = installFileWatches(sup);
  for (const g of groups) await sup.addProcessGroup(g);
  sup.run();
  await settle();
  const proc = (name: string) => sup.groups.get(name)!.processes.get(name)!;
  const advance = async (ms: number) => {
    runtime.clock.advance(ms);
    await settle(40);
  };
  const touch = async (path: string) => {
    runtime.fileChanged(path);
    await settle(10);
  };
  const spawnsOf = (name: string) => runtime.spawns.filter((c) => c.options.path === `/bin/${name}`).length;
  return {
    sup,
    watches,
    runtime,
    logger,
    proc,
    advance,
    touch,
    spawnsOf,
    state: (n: string) => processStateName(proc(n).state),
  };
}

Deno.test("[EXT.watch.restart] a change restarts the program once the debounce has passed", async () => {
  const t = await setup([prog("web", { watch: watch() })]);
  equal(t.spawnsOf("web"), 1);
  deepEqual(t.runtime.watches.map((w) => [w.path, w.recursive]), [["/app/src", true]]);
  await t.touch("/app/src/app.js");
  await t.advance(299);
  equal(t.spawnsOf("web"), 1, "nothing before the debounce ends");
  await t.advance(1);
  await t.advance(0);
  equal(t.spawnsOf("web"), 2);
  equal(t.state("web"), "RUNNING");
  ok(t.logger.lines.some((l) => l.includes("watch: restarting 'web' ('app.js' changed)")));
});

Deno.test("[EXT.watch.debounce] 50 changes within 200 ms make exactly one restart, 300 ms after the last", async () => {
  const t = await setup([prog("web", { watch: watch() })]);
  for (let i = 0; i < 50; i++) {
    await t.touch(`/app/src/f${i % 7}.js`);
    await t.advance(4);
  }
  await t.advance(299 - 4);
  equal(t.spawnsOf("web"), 1);
  await t.advance(1);
  await t.advance(1000);
  equal(t.spawnsOf("web"), 2);
});

Deno.test("[EXT.watch.ignore] ignored names, unmatched patterns and the program's own logs never restart it", async () => {
  const t = await setup([
    prog("web", {
      watch: watch({ patterns: ["*.js", "conf/*.toml"] }),
      stdout_logfile: "/app/src/web.out",
      stderr_logfile: "/app/src/web.err",
    }),
  ]);
  for (
    const p of [
      "/app/src/web.out",
      "/app/src/web.out.1",
      "/app/src/web.err",
      "/app/src/node_modules/x/index.js",
      "/app/src/.git/index",
      "/app/src/app.js.swp",
      "/app/src/readme.md",
      "/app/src/other.toml",
      "/app/srcx/app.js",
    ]
  ) await t.touch(p);
  await t.advance(5000);
  equal(t.spawnsOf("web"), 1);
  await t.touch("/app/src/conf/app.toml");
  await t.advance(300);
  await t.advance(0);
  equal(t.spawnsOf("web"), 2, "a pattern with / matches the path below the root");
});

Deno.test("[EXT.watch.never] an operator-stopped, a FATAL or a never-started program is not started by a change", async () => {
  const t = await setup([
    prog("web", { watch: watch() }),
    prog("idle", { watch: watch({ dirs: ["/idle"] }), autostart: false }),
    prog("crash", { watch: watch({ dirs: ["/crash"] }), startsecs: 1, startretries: 0 }),
  ]);
  t.runtime.spawns.find((c) => c.options.path === "/bin/crash")!.exit(1);
  await t.advance(10);
  equal(t.state("crash"), "FATAL");
  t.proc("web").operatorStopped = true;
  t.proc("web").stop();
  await t.advance(10);
  equal(t.state("web"), "STOPPED");
  await t.touch("/app/src/a.js");
  await t.touch("/idle/a.js");
  await t.touch("/crash/a.js");
  await t.advance(1000);
  equal(t.state("crash"), "FATAL");
  equal(t.spawnsOf("crash"), 1);
  equal(t.state("web"), "STOPPED");
  equal(t.state("idle"), "STOPPED");
  equal(t.spawnsOf("idle"), 0);
});

Deno.test("[EXT.watch.exited] an EXITED one-shot is started again and described 'watching'", async () => {
  const t = await setup([prog("build", { watch: watch(), autorestart: false })]);
  t.runtime.spawns.at(-1)!.exit(0);
  await t.advance(10);
  equal(t.state("build"), "EXITED");
  equal(t.sup.describe(t.proc("build"), "Nov 26 02:00 AM"), "Nov 26 02:00 AM, watching");
  await t.touch("/app/src/main.ts");
  await t.advance(300);
  await t.advance(0);
  equal(t.spawnsOf("build"), 2);
});

Deno.test("[EXT.watch.guard] the sixth action caused by one path in 10 s suspends the watch with an ERROR", async () => {
  const t = await setup([prog("web", { watch: watch() })]);
  for (let i = 0; i < 6; i++) {
    await t.touch("/app/src/dist/app.js");
    await t.advance(1000);
  }
  equal(t.spawnsOf("web"), 6, "five restarts, then none");
  ok(t.watches.suspended(t.proc("web")));
  ok(
    t.logger.lines.some((l) =>
      l.includes("watch for 'web' suspended: 'dist/app.js' changed 6 times in 10s (feedback loop?)")
    ),
  );
  await t.touch("/app/src/other.js");
  await t.advance(1000);
  equal(t.spawnsOf("web"), 6);
  ok(t.sup.describe(t.proc("web"), "pid 1, uptime 0:00:01").endsWith(", watch suspended"));
});

Deno.test("[EXT.watch.guard] changes spread over more than 10 s never trip the guard", async () => {
  const t = await setup([prog("web", { watch: watch() })]);
  for (let i = 0; i < 8; i++) {
    await t.touch("/app/src/app.js");
    await t.advance(2500);
  }
  equal(t.spawnsOf("web"), 9);
  equal(t.watches.suspended(t.proc("web")), false);
});

Deno.test("[EXT.watch.signal,EXT.watch.binary] a signal instead of a restart; the binary's directory watched for its file only", async () => {
  const t = await setup([
    prog("nginx", { watch: watch({ on_file: { kind: "signal", signal: 1 }, binary: true }) }),
  ]);
  deepEqual(t.runtime.watches.map((w) => [w.path, w.recursive]), [["/app/src", true], ["/bin", false]]);
  t.runtime.killExits = false; // nginx lives through SIGHUP
  await t.touch("/app/src/nginx.conf");
  await t.advance(300);
  deepEqual(t.runtime.kills.map((k) => k.signal), [1]);
  equal(t.spawnsOf("nginx"), 1);
  t.runtime.killExits = true;
  await t.touch("/bin/other");
  await t.advance(1000);
  equal(t.spawnsOf("nginx"), 1);
  await t.touch("/bin/nginx");
  await t.advance(300);
  await t.advance(0);
  equal(t.spawnsOf("nginx"), 2);
  ok(t.logger.lines.some((l) => l.includes("watch: restarting 'nginx' ('nginx' changed)")));
});

Deno.test("[EXT.watch.inotify] a watch that cannot start logs the path and, at the inotify limit, the sysctl", async () => {
  equal(
    watchErrorText("/src", new RuntimeError("watch /src: No space left on device", "ENOSPC")),
    "cannot watch '/src': inotify watch limit reached (raise fs.inotify.max_user_watches)",
  );
  const runtime = new FakeRuntime();
  runtime.watchError = new RuntimeError("watch /app/src: No space left on device", "ENOSPC");
  const t = await setup([prog("web", { watch: watch() })], runtime);
  ok(
    t.logger.lines.some((l) =>
      l.includes(
        "watch for 'web': cannot watch '/app/src': inotify watch limit reached (raise fs.inotify.max_user_watches)",
      )
    ),
  );
  equal(t.state("web"), "RUNNING");
});

Deno.test("[EXT.watch.idle] no watched program: no watch and no timer", async () => {
  const t = await setup([prog("plain", { autostart: false })]);
  equal(t.runtime.watches.length, 0);
  equal(t.runtime.clock.pending, 0);
});

Deno.test("[EXT.watch.cascade] restart_cascade restarts the dependents once the program is RUNNING, downstream only", async () => {
  const t = await setup([
    prog("db", { watch: watch({ cascade: true }), priority: 1 }),
    prog("web", { depends_on: [{ target: "db", condition: "running" }], priority: 2 }),
    prog("api", { depends_on: [{ target: "web", condition: "running" }], priority: 3 }),
    prog("other", { priority: 4 }),
    prog("base", { priority: 0 }),
  ]);
  const order = () => t.runtime.spawns.map((c) => c.options.path.slice(5));
  const before = order().length;
  await t.touch("/app/src/schema.sql");
  await t.advance(300);
  await t.advance(0);
  await t.advance(0);
  deepEqual(order().slice(before), ["db", "web", "api"]);
  for (const n of ["db", "web", "api", "other", "base"]) equal(t.state(n), "RUNNING");
  ok(t.logger.lines.some((l) => l.includes("watch: restarting 'web' (it depends on 'db')")));
  ok(t.logger.lines.some((l) => l.includes("watch: restarting 'api' (it depends on 'web')")));
});

Deno.test("[EXT.watch.cascade] without restart_cascade only the program itself restarts", async () => {
  const t = await setup([
    prog("db", { watch: watch(), priority: 1 }),
    prog("web", { depends_on: [{ target: "db", condition: "running" }], priority: 2 }),
  ]);
  const before = t.runtime.spawns.length;
  await t.touch("/app/src/schema.sql");
  await t.advance(300);
  await t.advance(0);
  deepEqual(t.runtime.spawns.slice(before).map((c) => c.options.path), ["/bin/db"]);
});

Deno.test("[EXT.watch.close] close() ends every watch and starts none afterwards", async () => {
  const t = await setup([prog("web", { watch: watch() })]);
  equal(t.runtime.watches.length, 1);
  t.watches.close();
  equal(t.runtime.watches.length, 0);
  await t.advance(1000);
  equal(t.runtime.watches.length, 0);
});
