import assert from "node:assert/strict";
import { ConfigError } from "./errors.ts";
import { loadConfig } from "./load.ts";
import { defaultProgramExtensions, type ProcessConfig, type SupervisorConfig } from "./schema.ts";
import { serverOptions } from "./server_options.ts";
import { hostOf } from "./_testing.ts";
import { canAskPython, pythonLoadErrors } from "../../compat-tests/_python_accepts.ts";

const CONF = "/etc/sv/supervisord.conf";

/** Every config text that loaded here; supervisord 4.2.5 must load each of them too (last test). */
const loaded = new Set<string>();

function load(text: string): SupervisorConfig {
  const cfg = loadConfig(CONF, hostOf({ [CONF]: text }));
  loaded.add(text);
  return cfg;
}

function processOf(cfg: SupervisorConfig, name: string): ProcessConfig {
  const proc = cfg.groups.flatMap((g) => g.processes).find((p) => p.name === name);
  assert.ok(proc, name);
  return proc;
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

Deno.test("a config without extension keys gets defaults that change nothing", () => {
  const cfg = load(
    "[supervisord]\n[program:web]\ncommand=/bin/web\n[eventlistener:ev]\ncommand=/bin/ev\nevents=TICK_5\n",
  );
  const { container_mode, console_loglevel, console_format, console_color, essential_exitcode } = cfg.supervisord;
  assert.deepEqual(
    { container_mode, console_loglevel, console_format, console_color, essential_exitcode },
    {
      container_mode: false,
      console_loglevel: null,
      console_format: "prefixed",
      console_color: "auto",
      essential_exitcode: null,
    },
  );
  for (const name of ["web", "ev"]) {
    const proc = processOf(cfg, name);
    const ext = Object.fromEntries(
      Object.keys(defaultProgramExtensions(name)).map((k) => [k, proc[k as keyof ProcessConfig]]),
    );
    assert.deepEqual(ext, defaultProgramExtensions(name));
    assert.equal(proc.stdout_logfile, "AUTO");
  }
});

Deno.test("[supervisord] extension keys are read, in any case", () => {
  const cfg = load(
    "[supervisord]\ncontainer_mode=yes\nconsole_loglevel=OFF\nconsole_format=json\nconsole_color=Never\n" +
      "essential_exitcode=3\n",
  );
  const s = cfg.supervisord;
  assert.deepEqual(
    [s.container_mode, s.console_loglevel, s.console_format, s.console_color, s.essential_exitcode],
    [true, "off", "json", "never", 3],
  );
  assert.equal(
    load("[supervisord]\nconsole_loglevel=debug\nessential_exitcode=auto\n").supervisord.console_loglevel,
    "debug",
  );
});

Deno.test("container_mode implies nodaemon; without it nodaemon stays as configured", () => {
  const host = { cwd: "/etc/sv", home: "/root", passwd: [] };
  assert.equal(serverOptions(load("[supervisord]\ncontainer_mode=true\n"), {}, host).nodaemon, true);
  assert.equal(serverOptions(load("[supervisord]\n"), {}, host).nodaemon, false);
  assert.equal(serverOptions(load("[supervisord]\n"), { nodaemon: true }, host).nodaemon, true);
});

Deno.test("container mode: channels without a logfile key go to the console and get no AUTO file", () => {
  const cfg = load(
    "[supervisord]\ncontainer_mode=true\n" +
      "[program:plain]\ncommand=/bin/a\n" +
      "[program:filed]\ncommand=/bin/b\nstdout_logfile=/var/log/b.log\n" +
      "[program:auto]\ncommand=/bin/c\nstderr_logfile=AUTO\n" +
      "[program:quiet]\ncommand=/bin/d\nconsole=false\n" +
      "[eventlistener:ev]\ncommand=/bin/e\nevents=TICK_5\n",
  );
  const route = (name: string) => {
    const p = processOf(cfg, name);
    return [p.console.stdout, p.console.stderr, p.stdout_logfile, p.stderr_logfile];
  };
  assert.deepEqual(route("plain"), ["stdout", "stderr", null, null]);
  assert.deepEqual(route("filed"), [null, "stderr", "/var/log/b.log", null]);
  assert.deepEqual(route("auto"), ["stdout", null, null, "AUTO"]);
  assert.deepEqual(route("quiet"), [null, null, "AUTO", "AUTO"]);
  // A listener's stdout is its protocol channel: logged as before, never on the console by default.
  assert.deepEqual(route("ev"), [null, "stderr", "AUTO", null]);
});

Deno.test("console=true/stdout/stderr outside container mode tee without touching the log files", () => {
  const cfg = load(
    "[supervisord]\n[program:a]\ncommand=/bin/a\nconsole=true\n[program:b]\ncommand=/bin/b\nconsole=stderr\n" +
      "[program:c]\ncommand=/bin/c\nconsole=stdout\nstdout_logfile=/var/log/c.log\n",
  );
  const a = processOf(cfg, "a");
  assert.deepEqual([a.console, a.stdout_logfile, a.stderr_logfile], [
    { stdout: "stdout", stderr: "stderr" },
    "AUTO",
    "AUTO",
  ]);
  assert.deepEqual(processOf(cfg, "b").console, { stdout: "stderr", stderr: "stderr" });
  assert.deepEqual(processOf(cfg, "c").console, { stdout: "stdout", stderr: "stdout" });
});

Deno.test("console_prefix is expanded per process like the program's own keys", () => {
  const cfg = load(
    "[supervisord]\n[program:web]\ncommand=/bin/web\nnumprocs=2\nprocess_name=%(program_name)s_%(process_num)02d\n" +
      "console_prefix=%(group_name)s/%(process_num)d\n",
  );
  assert.deepEqual([processOf(cfg, "web_00").console_prefix, processOf(cfg, "web_01").console_prefix], [
    "web/0",
    "web/1",
  ]);
  assert.equal(processOf(load("[supervisord]\n[program:x]\ncommand=/bin/x\n"), "x").console_prefix, "x");
});

Deno.test("restart keys: defaults per backoff kind, durations and the restartpause alias", () => {
  const cfg = load(
    "[supervisord]\n" +
      "[program:exp]\ncommand=/bin/a\nbackoff=exponential\nbackoff_delay=500ms\nbackoff_factor=1.5\nbackoff_jitter=0.2\n" +
      "[program:fixed]\ncommand=/bin/b\nbackoff=fixed\nbackoff_delay=2s\nbackoff_max=1m\nbackoff_reset_after=10m\n" +
      "retry_forever=true\n" +
      "[program:go]\ncommand=/bin/c\nrestartpause=5\n" +
      "[program:py]\ncommand=/bin/d\nbackoff_max=2\n",
  );
  const keys = (name: string) => {
    const p = processOf(cfg, name);
    return [
      p.backoff,
      p.backoff_delay,
      p.backoff_factor,
      p.backoff_max,
      p.backoff_jitter,
      p.backoff_reset_after,
      p.retry_forever,
    ];
  };
  assert.deepEqual(keys("exp"), ["exponential", 0.5, 1.5, 60, 0.2, 30, false]);
  assert.deepEqual(keys("fixed"), ["fixed", 2, 2, 60, 0, 600, true]);
  assert.deepEqual(keys("go"), ["fixed", 5, 2, 0, 0, 30, false]);
  assert.deepEqual(keys("py"), ["python", 1, 2, 2, 0, null, false]);
});

Deno.test("essential and shutdown_on_exit are read as booleans", () => {
  const cfg = load(
    "[supervisord]\n[program:a]\ncommand=/bin/a\nessential=true\n[program:b]\ncommand=/bin/b\nshutdown_on_exit=on\n",
  );
  assert.deepEqual([processOf(cfg, "a").essential, processOf(cfg, "a").shutdown_on_exit], [true, false]);
  assert.deepEqual([processOf(cfg, "b").essential, processOf(cfg, "b").shutdown_on_exit], [false, true]);
});

Deno.test("extension load errors carry supervisord's section and file suffix", () => {
  const suffix = ` in section 'program:web' (file: '${CONF}')`;
  const program = (keys: string) => loadError(`[supervisord]\n[program:web]\ncommand=/bin/web\n${keys}\n`);
  const cases: Array<[string, string]> = [
    ["essential=true\nshutdown_on_exit=true", "essential and shutdown_on_exit are exclusive"],
    ["console=maybe", "console must be one of false, true, stdout, stderr"],
    ["backoff=linear", "backoff must be one of python, fixed, exponential"],
    ["backoff_factor=0.5", "backoff_factor must be >= 1"],
    ["backoff_factor=x", "could not convert string to float: 'x'"],
    ["backoff_jitter=1.5", "backoff_jitter must be between 0 and 1"],
    ["restartpause=3\nbackoff=fixed", "restartpause and backoff are exclusive"],
    ["restartpause=3\nbackoff_delay=1", "restartpause and backoff_delay are exclusive"],
    ["backoff_delay=5x", "invalid duration '5x' (use 500ms, 30s, 5m, 2h, 1d)"],
    ["essential=perhaps", "not a valid boolean value: 'perhaps'"],
  ];
  for (const [keys, message] of cases) assert.equal(program(keys), message + suffix, keys);
  // essential=false with shutdown_on_exit=true is fine: only both true conflict.
  assert.doesNotThrow(() =>
    load("[supervisord]\n[program:web]\ncommand=/bin/web\nessential=false\nshutdown_on_exit=true\n")
  );
});

Deno.test("[supervisord] extension errors read as supervisord's own section errors", () => {
  const cases: Array<[string, string]> = [
    ["essential_exitcode=256", "essential_exitcode must be 'auto' or 0..255"],
    ["essential_exitcode=-1", "essential_exitcode must be 'auto' or 0..255"],
    ["console_format=xml", "console_format must be one of prefixed, raw, json"],
    ["console_color=sometimes", "console_color must be one of auto, always, never"],
    [
      "console_loglevel=loud",
      "console_loglevel must be one of critical, error, warn, info, debug, trace, blather, off",
    ],
    ["container_mode=perhaps", "not a valid boolean value: 'perhaps'"],
  ];
  for (const [keys, message] of cases) assert.equal(loadError(`[supervisord]\n${keys}\n`), message, keys);
});

Deno.test({
  name: "every config that loaded above also loads in supervisord 4.2.5 (extension keys are ignored there)",
  ignore: !canAskPython,
  fn() {
    const texts = [...loaded];
    assert.ok(texts.length >= 8, "the tests above ran first");
    assert.deepEqual(pythonLoadErrors(texts), texts.map(() => null));
  },
});
