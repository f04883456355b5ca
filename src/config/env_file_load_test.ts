import assert from "node:assert/strict";
import { ConfigError } from "./errors.ts";
import { loadConfig } from "./load.ts";
import type { ProcessConfig, SupervisorConfig } from "./schema.ts";
import { hostOf } from "./_testing.ts";
import { canAskPython, pythonLoadErrors } from "../../compat-tests/_python_accepts.ts";

const CONF = "/etc/sv/supervisord.conf";

/** Every config text used here; supervisord 4.2.5 must load each of them too (last test). */
const used = new Set<string>();

function load(text: string, extra: Record<string, string> = {}): SupervisorConfig {
  used.add(text);
  return loadConfig(CONF, hostOf({ [CONF]: text, ...extra }));
}

function loadError(text: string, extra: Record<string, string> = {}): string {
  try {
    load(text, extra);
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    return e.message;
  }
  assert.fail("the config loaded");
}

function proc(cfg: SupervisorConfig, name: string): ProcessConfig {
  const p = cfg.groups.flatMap((g) => g.processes).find((x) => x.name === name);
  assert.ok(p, name);
  return p;
}

Deno.test("env_file: a list of paths, '-' for optional, relative to the config's directory, %(…)s expanded", () => {
  const cfg = load(
    "[supervisord]\n[program:web]\ncommand=/bin/web\nenvironment=A=1,B=2\n" +
      "env_file = app.env, -/run/secrets/%(program_name)s.env\n  ../shared.env\n",
  );
  assert.deepEqual(proc(cfg, "web").env_file, {
    files: [
      { path: "/etc/sv/app.env", optional: false },
      { path: "/run/secrets/web.env", optional: true },
      { path: "/etc/shared.env", optional: false },
    ],
    explicit: ["A", "B"],
  });
  // Load time does not read program files: Docker secrets may be mounted later.
  assert.equal(proc(load("[supervisord]\n[program:x]\ncommand=/bin/x\n"), "x").env_file, null);
});

Deno.test("env_file aliases envfiles (Go's envFiles, lower-cased by the INI reader) and environment_file", () => {
  for (const key of ["envFiles", "environment_file"]) {
    const cfg = load(`[supervisord]\n[program:web]\ncommand=/bin/web\n${key}=/a.env\n`);
    assert.deepEqual(proc(cfg, "web").env_file?.files, [{ path: "/a.env", optional: false }]);
  }
  assert.equal(
    loadError("[supervisord]\n[program:web]\ncommand=/bin/web\nenv_file=/a.env\nenvfiles=/b.env\n"),
    `env_file and envfiles are exclusive in section 'program:web' (file: '${CONF}')`,
  );
  assert.equal(
    loadError("[supervisord]\n[program:web]\ncommand=/bin/web\nenv_file=-\n"),
    `env_file: '-' must be followed by a path in section 'program:web' (file: '${CONF}')`,
  );
});

Deno.test("env_file in an included file is relative to that file's directory", () => {
  const text = "[supervisord]\n[include]\nfiles=conf.d/*.ini\n";
  const cfg = load(text, { "/etc/sv/conf.d/web.ini": "[program:web]\ncommand=/bin/web\nenv_file=web.env\n" });
  assert.deepEqual(proc(cfg, "web").env_file?.files, [{ path: "/etc/sv/conf.d/web.env", optional: false }]);
});

Deno.test("[supervisord] env_file is read at load, beneath [supervisord] environment and the program's own", () => {
  const text = "[supervisord]\nenv_file=daemon.env\nenvironment=B=from_environment\n" +
    "[program:web]\ncommand=/bin/web\nenvironment=C=from_program\n";
  const cfg = load(text, { "/etc/sv/daemon.env": "A=from_file\nB=from_file\nC=from_file\n" });
  assert.deepEqual(proc(cfg, "web").environment, { A: "from_file", B: "from_environment", C: "from_program" });
  assert.deepEqual(cfg.parseWarnings, []);
});

Deno.test("[supervisord] env_file: missing is a load error unless optional; warnings become parse warnings", () => {
  const text = "[supervisord]\nenv_file=/nope.env\n[program:web]\ncommand=/bin/web\n";
  assert.match(
    loadError(text),
    /^env_file '\/nope\.env': No such file or directory in section 'supervisord' \(file: '\/etc\/sv\/supervisord\.conf'\)$/,
  );
  const optional = load("[supervisord]\nenv_file=-/nope.env\n[program:web]\ncommand=/bin/web\n");
  assert.deepEqual(proc(optional, "web").environment, {});
  const warned = load("[supervisord]\nenv_file=/d.env\n[program:web]\ncommand=/bin/web\n", { "/d.env": "A-B=1\n" });
  assert.deepEqual(warned.parseWarnings, ["env_file /d.env:1: invalid variable name 'A-B', skipped"]);
  assert.equal(
    loadError("[supervisord]\nenv_file=/d.env\n[program:web]\ncommand=/bin/web\n", { "/d.env": "A='x\n" }),
    "env_file /d.env:1: unterminated single quote in section 'supervisord' (file: '/etc/sv/supervisord.conf')",
  );
});

Deno.test({
  name: "supervisord 4.2.5 loads every config above (env_file keys are unknown keys to it)",
  ignore: !canAskPython,
  fn() {
    const texts = [...used].filter((t) => !t.includes("[include]") && !t.includes("env_file=/d.env"));
    assert.ok(texts.length >= 6, "the tests above ran first");
    assert.deepEqual(pythonLoadErrors(texts), texts.map(() => null));
  },
});
