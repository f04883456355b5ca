import assert from "node:assert/strict";
import { SAMPLE_SUPERVISORD_CONF } from "../cli/sample_conf.ts";
import { ConfigError } from "./errors.ts";
import { loadConfig } from "./load.ts";
import type { SupervisorConfig } from "./schema.ts";
import { nearestKey } from "./strict_keys.ts";
import { hostOf } from "./_testing.ts";
import { canAskPython, pythonLoadErrors } from "../../compat-tests/_python_accepts.ts";

const CONF = "/etc/sv/supervisord.conf";
const used = new Set<string>();

function load(text: string): { cfg: SupervisorConfig; unknown: string[] } {
  used.add(text);
  const unknown: string[] = [];
  const cfg = loadConfig(CONF, hostOf({ [CONF]: text }), { onUnknownKeys: (m) => unknown.push(...m) });
  return { cfg, unknown };
}

const TYPOS = "[supervisord]\nnodaemn=true\n[program:web]\ncommand=/bin/web\nstartsec=3\ndepnds_on=db\n" +
  "envfile=/x.env\nzzz=1\n[program:db]\ncommand=/bin/db\n[supervisorctl]\nanything=1\n[supvisors]\nmine=1\n";

Deno.test("unknown keys are listed with the nearest key the section reads, in file order", () => {
  const { cfg, unknown } = load(TYPOS);
  assert.deepEqual(unknown, [
    "unknown key 'nodaemn' in section 'supervisord' (did you mean 'nodaemon'?)",
    "unknown key 'startsec' in section 'program:web' (did you mean 'startsecs'?)",
    "unknown key 'depnds_on' in section 'program:web' (did you mean 'depends_on'?)",
    "unknown key 'envfile' in section 'program:web' (did you mean 'env_file'?)",
    "unknown key 'zzz' in section 'program:web'",
  ]);
  assert.deepEqual(cfg.parseWarnings, [], "strict_keys=off (the default) keeps the main log as Python's");
});

Deno.test("strict_keys=warn makes them parse warnings (logged at WARN); error makes them a load error", () => {
  const warn = load(TYPOS.replace("[supervisord]\n", "[supervisord]\nstrict_keys=warn\n"));
  assert.equal(warn.cfg.parseWarnings.length, 5);
  assert.equal(warn.cfg.parseWarnings[0], "unknown key 'nodaemn' in section 'supervisord' (did you mean 'nodaemon'?)");
  assert.throws(() => load(TYPOS.replace("[supervisord]\n", "[supervisord]\nstrict_keys=error\n")), (e) => {
    assert.ok(e instanceof ConfigError);
    assert.equal(e.message.split("\n").length, 5);
    return true;
  });
  assert.throws(() => load("[supervisord]\nstrict_keys=maybe\n"), {
    message: "strict_keys must be one of off, warn, error",
  });
  const clean = load("[supervisord]\nstrict_keys=error\nshell_expansion=false\n[program:web]\ncommand=/bin/web\n");
  assert.deepEqual(clean.unknown, []);
});

Deno.test("every key of the sample config (echo_supervisord_conf, all uncommented) is known", () => {
  const text = SAMPLE_SUPERVISORD_CONF.split("\n")
    .map((l) => l.replace(/^;([a-z_.]+ ?=)/, "$1").replace(/^;\[/, "["))
    .filter((l) => !/^user=supervisord/.test(l))
    .map((l) => l.startsWith("programs=") ? "programs=theprogramname" : l)
    .join("\n");
  assert.ok(text.includes("\nstdout_logfile_maxbytes=") && text.includes("\n[fcgi-program:"), "uncommented");
  const unknown: string[] = [];
  loadConfig(CONF, hostOf({ [CONF]: text }), { onUnknownKeys: (m) => unknown.push(...m) });
  assert.deepEqual(unknown, []);
});

Deno.test("nearestKey: close typos only", () => {
  assert.equal(nearestKey("autostrat", ["autostart", "autorestart"]), "autostart");
  assert.equal(nearestKey("xyz", ["command", "priority"]), null);
  assert.equal(nearestKey("priorty", ["priority"]), "priority");
});

Deno.test({
  name: "supervisord 4.2.5 loads the configs above (strict_keys is an unknown key to it)",
  ignore: !canAskPython,
  fn() {
    const texts = [...used].filter((t) => !t.includes("strict_keys=maybe"));
    assert.ok(texts.length >= 3);
    assert.deepEqual(pythonLoadErrors(texts), texts.map(() => null));
  },
});
