import assert from "node:assert/strict";
import { ConfigError } from "./errors.ts";
import { loadConfig } from "./load.ts";
import type { ProcessConfig, SupervisorConfig } from "./schema.ts";
import { hostOf } from "./_testing.ts";
import { DEFAULT_WATCH_IGNORE } from "./load_watch.ts";
import { canAskPython, pythonLoadErrors } from "../../compat-tests/_python_accepts.ts";

const CONF = "/etc/sv/supervisord.conf";
const WHERE = ` in section 'program:web' (file: '${CONF}')`;

/** Every config text that loads here; supervisord 4.2.5 must load each (last test). */
const texts = new Set<string>();

function load(text: string): SupervisorConfig {
  texts.add(text);
  return loadConfig(CONF, hostOf({ [CONF]: text }));
}

const web = (keys: string, head = "") => `[supervisord]\n${head}[program:web]\ncommand=/bin/web\n${keys}`;
const proc = (keys: string): ProcessConfig => load(web(keys)).groups[0]!.processes[0]!;

function loadError(keys: string): string {
  try {
    loadConfig(CONF, hostOf({ [CONF]: web(keys) }));
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    return e.message;
  }
  assert.fail("the config loaded");
}

Deno.test("[EXT.watch.keys] no watch key: no watch field, no global switch", () => {
  const c = load(web(""));
  assert.equal("watch" in c.groups[0]!.processes[0]!, false);
  assert.equal("watch" in c.supervisord, false);
});

Deno.test("[EXT.watch.keys] the Go port's keys, defaults, relative roots from the config's directory", () => {
  assert.deepEqual(proc("restart_directory_monitor=src, /abs/lib\n").watch, {
    dirs: ["/etc/sv/src", "/abs/lib"],
    patterns: ["*"],
    ignore: [...DEFAULT_WATCH_IGNORE],
    debounce: 0.3,
    binary: false,
    on_file: { kind: "restart" },
    on_binary: { kind: "restart" },
    cascade: false,
  });
  const w = proc(
    "restart_directory_monitor=src\nrestart_file_patterns=*.py *.toml\nrestart_file_ignore=dist\n" +
      "restart_debounce=1s\nrestart_when_binary_changed=true\nrestart_signal_when_file_changed=HUP\n" +
      "restart_cmd_when_binary_changed=make reload\nrestart_cascade=true\n",
  ).watch!;
  assert.equal(w.cascade, true);
  assert.deepEqual(w.patterns, ["*.py", "*.toml"]);
  assert.deepEqual(w.ignore, ["dist"]);
  assert.equal(w.debounce, 1);
  assert.equal(w.binary, true);
  assert.deepEqual(w.on_file, { kind: "signal", signal: 1 });
  assert.deepEqual(w.on_binary, { kind: "command", command: "make reload" });
  assert.equal(proc("restart_when_binary_changed=true\n").watch!.dirs.length, 0);
  assert.equal(proc("restart_directory_monitor=src\nrestart_file_pattern=*.js\n").watch!.patterns[0], "*.js");
});

Deno.test("[EXT.watch.global] [supervisord] watch=false", () => {
  assert.equal(load(web("restart_directory_monitor=src\n", "watch=false\n")).supervisord.watch, false);
});

Deno.test("[EXT.watch.errors] load errors in Python's shape", () => {
  assert.equal(
    loadError("restart_directory_monitor=src\nrestart_file_pattern=*\nrestart_file_patterns=*\n"),
    `restart_file_pattern and restart_file_patterns are exclusive${WHERE}`,
  );
  assert.equal(
    loadError("restart_file_pattern=*.js\n"),
    `restart_file_pattern needs restart_directory_monitor${WHERE}`,
  );
  assert.equal(
    loadError("restart_directory_monitor=src\nrestart_debounce=5x\n"),
    `invalid duration '5x' (use 500ms, 30s, 5m, 2h, 1d)${WHERE}`,
  );
  assert.match(loadError("restart_directory_monitor=src\nrestart_signal_when_file_changed=NOPE\n"), /NOPE/);
});

Deno.test({
  name: "[EXT.watch.python] every config with watch keys above loads in supervisord 4.2.5",
  ignore: !canAskPython,
  fn() {
    const all = [...texts].filter((t) => t.includes("restart_") || t.includes("watch"));
    assert.ok(all.length >= 5, "the tests above ran first");
    assert.deepEqual(pythonLoadErrors(all), all.map(() => null));
  },
});
