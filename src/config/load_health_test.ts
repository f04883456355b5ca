import assert from "node:assert/strict";
import { ConfigError } from "./errors.ts";
import { loadConfig } from "./load.ts";
import type { HealthCheckConfig, SupervisorConfig } from "./schema.ts";
import { hostOf } from "./_testing.ts";
import { canAskPython, pythonLoadErrors } from "../../compat-tests/_python_accepts.ts";

const CONF = "/etc/sv/supervisord.conf";
const WHERE = ` in section 'program:db' (file: '${CONF}')`;

/** Every config text used here; supervisord 4.2.5 must load each (last test). */
const texts = new Set<string>();

function load(text: string): SupervisorConfig {
  texts.add(text);
  return loadConfig(CONF, hostOf({ [CONF]: text }));
}

const db = (keys: string) => `[supervisord]\n[program:db]\ncommand=/bin/db\n${keys}`;

function check(keys: string): HealthCheckConfig | null {
  return load(db(keys)).groups[0]!.processes[0]!.healthcheck;
}

function loadError(keys: string): string {
  try {
    load(db(keys));
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    return e.message;
  }
  assert.fail("the config loaded");
}

Deno.test("[EXT.health.keys] no healthcheck key: no check", () => {
  assert.equal(check(""), null);
});

Deno.test("[EXT.health.keys] defaults and every key", () => {
  assert.deepEqual(check("healthcheck=tcp://127.0.0.1:5432\n"), {
    probe: { kind: "tcp", host: "127.0.0.1", port: 5432 },
    interval: 10,
    timeout: 2,
    initial_delay: 0,
    start_period: 0,
    start_interval: 1,
    retries: 3,
    successes: 1,
    action: "restart",
    expect: [[0, 0]],
    body: null,
    tls_verify: true,
  });
  const c = check(
    "healthcheck = http://localhost:8080/healthz?full=1\nhealthcheck_interval=200ms\nhealthcheck_timeout=1s\n" +
      "healthcheck_initial_delay=2\nhealthcheck_start_period=1m\nhealthcheck_start_interval=100ms\n" +
      "healthcheck_retries=5\nhealthcheck_successes=2\nhealthcheck_action=none\nhealthcheck_expect=200-299, 304\n" +
      "healthcheck_body=ok|ready\nhealthcheck_tls_verify=false\n",
  )!;
  assert.deepEqual(c.probe, {
    kind: "http",
    url: "http://localhost:8080/healthz?full=1",
    host: "localhost",
    port: 8080,
    path: "/healthz?full=1",
  });
  assert.deepEqual(
    [c.interval, c.timeout, c.initial_delay, c.start_period, c.start_interval, c.retries, c.successes, c.action],
    [0.2, 1, 2, 60, 0.1, 5, 2, "none"],
  );
  assert.deepEqual([c.expect, c.body, c.tls_verify], [[[200, 299], [304, 304]], "ok|ready", false]);
  assert.deepEqual(check("healthcheck=exec:pg_isready -q\n")!.probe, { kind: "exec", command: "pg_isready -q" });
  assert.deepEqual(check("healthcheck=file:/run/db.ready\n")!.probe, { kind: "file", path: "/run/db.ready" });
  assert.deepEqual(check("healthcheck=http://h\n")!.probe, {
    kind: "http",
    url: "http://h",
    host: "h",
    port: 80,
    path: "/",
  });
});

Deno.test("[EXT.health.aliases] the Go port's liveness_check_* keys", () => {
  const c = check(
    "liveness_check_script=tcp://127.0.0.1:6379\nliveness_check_initial_delay=5\nliveness_check_period=30\n" +
      "liveness_check_timeout=3\nliveness_check_success_threshold=2\nliveness_check_failure_threshold=4\n" +
      "liveness_check_failure_action=stop\n",
  )!;
  assert.deepEqual(
    [c.probe, c.initial_delay, c.interval, c.timeout, c.successes, c.retries, c.action],
    [{ kind: "tcp", host: "127.0.0.1", port: 6379 }, 5, 30, 3, 2, 4, "stop"],
  );
  assert.deepEqual(check("liveness_check_script=/usr/bin/check.sh --quick\n")!.probe, {
    kind: "exec",
    command: "/usr/bin/check.sh --quick",
  });
});

Deno.test("[EXT.health.errors] load errors, exact", () => {
  assert.equal(
    loadError("healthcheck=ftp://h/x\n"),
    "healthcheck: unsupported scheme 'ftp' (use http://, https://, tcp://, exec:, file:)" + WHERE,
  );
  assert.equal(loadError("healthcheck=tcp://localhost\n"), "healthcheck tcp:// needs host:port" + WHERE);
  assert.equal(
    loadError("healthcheck=tcp://h:1\nhealthcheck_retries=0\n"),
    "healthcheck_retries must be >= 1" + WHERE,
  );
  assert.equal(
    loadError("healthcheck=http://h/\nhealthcheck_expect=20x\n"),
    "invalid healthcheck_expect '20x'" + WHERE,
  );
  assert.equal(
    loadError("healthcheck=tcp://h:1\nhealthcheck_interval=5x\n"),
    "invalid duration '5x' (use 500ms, 30s, 5m, 2h, 1d)" + WHERE,
  );
  assert.equal(
    loadError("healthcheck=tcp://h:1\nhealthcheck_action=reboot\n"),
    "healthcheck_action must be one of restart, stop, none, shutdown" + WHERE,
  );
  assert.equal(
    loadError("healthcheck=tcp://h:1\nliveness_check_script=tcp://h:2\n"),
    "healthcheck and liveness_check_script are exclusive" + WHERE,
  );
  assert.equal(
    loadError("liveness_check_script=http://h/ -H X-A:1\n"),
    "liveness_check_script: curl options are not supported: -H" + WHERE,
  );
  assert.equal(
    loadError("liveness_check_script=tcp://h:1\nliveness_check_failure_action=/bin/fix\n"),
    "liveness_check_failure_action must be restart or stop (scripts are not supported)" + WHERE,
  );
});

Deno.test("[EXT.health.deps] depends_on db:healthy loads once db has a healthcheck", () => {
  const cfg = load(
    db("healthcheck=tcp://127.0.0.1:5432\n") + "[program:web]\ncommand=/bin/web\ndepends_on=db:healthy\n",
  );
  assert.deepEqual(cfg.groups.find((g) => g.name === "web")!.processes[0]!.depends_on, [{
    target: "db",
    condition: "healthy",
  }]);
});

Deno.test("[EXT.health.readylog] ready_log makes a program a :healthy target; a bad regular expression is a load error", () => {
  const cfg = load(
    db("ready_log = ready to accept connections\n") + "[program:web]\ncommand=/bin/web\ndepends_on=db:healthy\n",
  );
  assert.equal(cfg.groups.find((g) => g.name === "db")!.processes[0]!.ready_log, "ready to accept connections");
  assert.match(
    loadError("ready_log = (unclosed\n"),
    /^invalid regular expression in ready_log: .* in section 'program:db'/,
  );
});

Deno.test("[EXT.health.warn] a timeout not shorter than the interval is a WARN at load", () => {
  const cfg = load(db("healthcheck=tcp://127.0.0.1:1\nhealthcheck_interval=1s\nhealthcheck_timeout=1s\n"));
  assert.deepEqual(cfg.parseWarnings, [
    "program 'db': healthcheck_timeout (1s) is not shorter than healthcheck_interval (1s)",
  ]);
  assert.deepEqual(load(db("healthcheck=tcp://127.0.0.1:1\n")).parseWarnings, []);
});

Deno.test({
  name: "[EXT.health.python] every config above loads in supervisord 4.2.5",
  ignore: !canAskPython,
  fn() {
    const all = [...texts];
    assert.ok(all.length >= 15, "the tests above ran first");
    assert.deepEqual(pythonLoadErrors(all), all.map(() => null));
  },
});
