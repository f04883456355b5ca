import assert from "node:assert/strict";
import { ConfigError } from "./errors.ts";
import { loadConfig } from "./load.ts";
import { findCycle, parseDependsOn } from "./load_dependencies.ts";
import type { ProcessConfig, SupervisorConfig } from "./schema.ts";
import { hostOf } from "./_testing.ts";
import { canAskPython, pythonLoadErrors } from "../../compat-tests/_python_accepts.ts";

const CONF = "/etc/sv/supervisord.conf";

/** Every config text used here, loadable or not here; supervisord 4.2.5 must load each (last test). */
const texts = new Set<string>();

function load(text: string): SupervisorConfig {
  texts.add(text);
  return loadConfig(CONF, hostOf({ [CONF]: text }));
}

function proc(cfg: SupervisorConfig, name: string): ProcessConfig {
  const p = cfg.groups.flatMap((g) => g.processes).find((p) => p.name === name);
  assert.ok(p, name);
  return p;
}

function loadError(text: string): string {
  try {
    load(text);
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    return e.message;
  }
  assert.fail("the config loaded");
}

const prog = (name: string, extra = "") => `[program:${name}]\ncommand=/bin/${name}\n${extra}`;
const WHERE = (section: string) => ` in section '${section}' (file: '${CONF}')`;

Deno.test("[EXT.deps.keys] depends_on entries: targets, conditions, plugin words, namespecs", () => {
  assert.deepEqual(parseDependsOn("db, migrate:succeeded\n  cache:starting pool:p0 job:exited g:*"), [
    { target: "db", condition: "running" },
    { target: "migrate", condition: "succeeded" },
    { target: "cache", condition: "started" },
    { target: "pool:p0", condition: "running" },
    { target: "job", condition: "completed" },
    { target: "g:*", condition: "running" },
  ]);
});

Deno.test("[EXT.deps.keys] the keys load with their defaults, and Python's loader ignores them", () => {
  const cfg = load(
    "[supervisord]\n" + prog("db") + prog("migrate", "autorestart=false\n") +
      prog("web", "depends_on = db, migrate:succeeded\ndepends_timeout = 1m\non_dependency_failure = restart\n") +
      "[group:pool]\nprograms=p0,p1\n" + prog("p0") + prog("p1") + prog("worker", "depends_on: pool pool:p0 p1\n"),
  );
  const web = proc(cfg, "web");
  assert.deepEqual(web.depends_on, [{ target: "db", condition: "running" }, {
    target: "migrate",
    condition: "succeeded",
  }]);
  assert.equal(web.depends_timeout, 60);
  assert.equal(web.on_dependency_failure, "restart");
  assert.equal(web.depends_section, "program:web");
  const db = proc(cfg, "db");
  assert.deepEqual([db.depends_on, db.depends_timeout, db.on_dependency_failure, db.depends_section], [
    [],
    0,
    "ignore",
    null,
  ]);
  assert.equal(proc(cfg, "worker").depends_on.length, 3);
});

Deno.test("[EXT.deps.errors] unknown target, self, cycle, bad condition, :healthy without a check, listener", () => {
  assert.equal(
    loadError("[supervisord]\n" + prog("db") + prog("web", "depends_on=dbb\n")),
    "depends_on names unknown program 'dbb'" + WHERE("program:web"),
  );
  assert.equal(
    loadError("[supervisord]\n" + prog("web", "depends_on=web\n")),
    "program 'web' depends on itself" + WHERE("program:web"),
  );
  assert.equal(
    loadError("[supervisord]\n" + prog("web", "depends_on=api\n") + prog("api", "depends_on=web:started\n")),
    "depends_on cycle: api -> web -> api" + WHERE("program:api"),
  );
  assert.equal(
    loadError("[supervisord]\n" + prog("db") + prog("web", "depends_on=db:helthy\n")),
    "unknown depends_on condition 'helthy' (use started, running, healthy, completed, succeeded)" +
      WHERE("program:web"),
  );
  assert.equal(
    loadError("[supervisord]\n" + prog("db") + prog("web", "depends_on=db:healthy\n")),
    "depends_on 'db:healthy' but program 'db' has no healthcheck or ready_log" + WHERE("program:web"),
  );
  assert.equal(
    loadError("[supervisord]\n" + prog("db") + "[eventlistener:ev]\ncommand=/bin/ev\nevents=TICK_5\ndepends_on=db\n"),
    "depends_on is not supported in [eventlistener:ev]" + WHERE("eventlistener:ev"),
  );
  assert.equal(
    loadError("[supervisord]\n" + prog("db") + prog("web", "depends_on=db\non_dependency_failure=later\n")),
    "on_dependency_failure must be one of ignore, stop, restart" + WHERE("program:web"),
  );
  assert.equal(
    loadError("[supervisord]\n" + prog("db") + prog("web", "depends_on=db\ndepends_timeout=5x\n")),
    "invalid duration '5x' (use 500ms, 30s, 5m, 2h, 1d)" + WHERE("program:web"),
  );
});

Deno.test("[EXT.deps.priority] a priority that contradicts depends_on is a WARN; depends_on wins", () => {
  const cfg = load("[supervisord]\n" + prog("db", "priority=200\n") + prog("web", "priority=100\ndepends_on=db\n"));
  assert.deepEqual(cfg.parseWarnings, [
    "program 'web' (priority 100) depends on 'db' (priority 200); start order follows depends_on",
  ]);
  assert.deepEqual(load("[supervisord]\n" + prog("db") + prog("web", "depends_on=db\n")).parseWarnings, []);
});

Deno.test("[EXT.deps.errors] cycles through longer paths are found and closed", () => {
  const edges = new Map([["a", ["b"]], ["b", ["c"]], ["c", ["b"]], ["d", []]]);
  assert.deepEqual(findCycle(edges), ["b", "c", "b"]);
  assert.equal(findCycle(new Map([["a", ["b"]], ["b", []]])), null);
});

const SONIC = (mode: string) =>
  `[supervisord]\n${mode}` +
  "[eventlistener:dependentstartup]\ncommand=python3 -m supervisord_dependent_startup\nautostart=true\n" +
  "events=PROCESS_STATE\nexitcodes=0,3\n" +
  prog("rsyslogd", "autostart=false\ndependent_startup=true\n") +
  prog(
    "wait-interfaces",
    "autostart=false\nautorestart=false\ndependent_startup=true\n" +
      "dependent_startup_wait_for=rsyslogd:running\n",
  ) +
  prog(
    "syncd",
    "autostart=false\ndependent_startup=true\n" +
      "dependent_startup_wait_for=rsyslogd:running wait-interfaces:exited\n",
  ) +
  prog("either", "autostart=false\ndependent_startup=true\ndependent_startup_wait_for=syncd:running,exited\n");

Deno.test("[EXT.deps.plugin] dependent_startup=native reads the plugin's keys as depends_on and starts its programs", () => {
  const cfg = load(SONIC("dependent_startup = native\n"));
  const syncd = proc(cfg, "syncd");
  assert.equal(syncd.autostart, true);
  assert.equal(syncd.dependent_startup, true);
  assert.deepEqual(syncd.depends_on, [
    { target: "rsyslogd", condition: "running" },
    { target: "wait-interfaces", condition: "completed" },
  ]);
  assert.deepEqual(proc(cfg, "either").depends_on, [{ target: "syncd", condition: "running", or: ["completed"] }]);
  assert.equal(proc(cfg, "rsyslogd").autostart, true);
  assert.deepEqual(proc(cfg, "rsyslogd").depends_on, []);
  assert.deepEqual(cfg.parseWarnings.filter((w) => w.includes("dependent_startup")), [
    "dependent_startup=native and the plugin listener 'dependentstartup' both start programs; disable one",
  ]);
});

Deno.test("[EXT.deps.plugin] without dependent_startup=native the plugin's keys change nothing", () => {
  const cfg = load(SONIC(""));
  assert.equal(proc(cfg, "syncd").autostart, false);
  assert.deepEqual(proc(cfg, "syncd").depends_on, []);
  assert.equal(cfg.parseWarnings.some((w) => w.includes("dependent_startup")), false);
  assert.equal(
    loadError(
      SONIC("dependent_startup = native\n") +
        prog("bad", "dependent_startup=true\ndependent_startup_wait_for=syncd:fatal\n"),
    ),
    "dependent_startup_wait_for state 'fatal' is not supported natively (use starting, running, exited)" +
      WHERE("program:bad"),
  );
});

Deno.test({
  name: "[EXT.deps.python] every config above loads in supervisord 4.2.5",
  ignore: !canAskPython,
  fn() {
    const all = [...texts];
    assert.ok(all.length >= 9, "the tests above ran first");
    assert.deepEqual(pythonLoadErrors(all), all.map(() => null));
  },
});
