import assert from "node:assert/strict";
import { ConfigError } from "./errors.ts";
import { loadConfig } from "./load.ts";
import type { SupervisorConfig } from "./schema.ts";
import { expandShell } from "./shell_expansion.ts";
import { hostOf } from "./_testing.ts";
import { canAskPython, pythonLoadErrors } from "../../compat-tests/_python_accepts.ts";

const VARS: Record<string, string> = { PORT: "9000", EMPTY: "", PCT: "50%(x)s" };
const lookup = (n: string) => Object.hasOwn(VARS, n) ? VARS[n] : undefined;
const W = "program:web.command";

Deno.test("shell expansion: every form, set, empty and unset", () => {
  const cases: [string, string][] = [
    ["${PORT}", "9000"],
    ["${EMPTY}", ""],
    ["${PORT:-1}|${EMPTY:-1}|${UNSET:-1}", "9000|1|1"],
    ["${PORT-1}|${EMPTY-1}|${UNSET-1}", "9000||1"],
    ["${PORT:+a}|${EMPTY:+a}|${UNSET:+a}", "a||"],
    ["${PORT+a}|${EMPTY+a}|${UNSET+a}", "a|a|"],
    ["${PORT:?no}|${PORT?no}|${EMPTY?no}", "9000|9000|"],
    ["$$ $${PORT} $$$$", "$ ${PORT} $$"],
    ["sh -c 'echo $1 $PORT $(date) $'", "sh -c 'echo $1 $PORT $(date) $'"],
    ["${UNSET:-a b:c}", "a b:c"],
  ];
  for (const [value, want] of cases) assert.equal(expandShell(value, lookup, W), want, value);
});

Deno.test("shell expansion: a value from the environment has its % doubled, a default is config text", () => {
  assert.equal(expandShell("${PCT}", lookup, W), "50%%(x)s");
  assert.equal(expandShell("${UNSET:-%(here)s/x}", lookup, W), "%(here)s/x");
});

Deno.test("shell expansion errors name the reference, the key and the variable", () => {
  const errors: [string, string][] = [
    ["x ${PORTX} y", "${PORTX} in 'program:web.command': PORTX is not set (use ${PORTX:-default})"],
    ["${EMPTY:?}", "${EMPTY:?} in 'program:web.command': EMPTY is empty or not set"],
    ["${UNSET?}", "${UNSET?} in 'program:web.command': UNSET is not set"],
    ["${UNSET:?give a port}", "${UNSET:?give a port} in 'program:web.command': give a port"],
    ["${A:-${B}}", "nested ${…} in '${A:-${B}' in 'program:web.command' is not supported"],
    ["${1}", "bad substitution '${1}' in 'program:web.command'"],
    ["${A B}", "bad substitution '${A B}' in 'program:web.command'"],
    ["${PORT", "unterminated ${ in 'program:web.command'"],
  ];
  for (const [value, message] of errors) assert.throws(() => expandShell(value, lookup, W), { message }, value);
});

const CONF = "/etc/sv/supervisord.conf";
const used = new Set<string>();

function load(text: string, env: Record<string, string> = {}, files: Record<string, string> = {}): SupervisorConfig {
  used.add(text);
  return loadConfig(CONF, hostOf({ [CONF]: text, ...files }, { HOME: "/root", ...env }));
}

Deno.test("shell_expansion=true: every section, before %(...)s; the process env wins over [supervisord] env_file", () => {
  const text = "[supervisord]\nshell_expansion=true\nenv_file=d.env\nidentifier=${ID:-sup}\n" +
    "[program:web]\ncommand=/bin/web --port ${PORT:-8080} --name %(program_name)s --pw ${PW} $1 $$HOME\n" +
    'environment=A="${FROM_FILE}"\n[supervisorctl]\nserverurl=${NOT_EXPANDED}\n';
  const cfg = load(text, { PW: "a%b" }, { "/etc/sv/d.env": "FROM_FILE=file\nPW=from-file\n" });
  const web = cfg.groups[0]!.processes[0]!;
  assert.equal(web.command, "/bin/web --port 8080 --name web --pw a%b $1 $HOME");
  assert.equal(web.environment.A, "file");
  assert.equal(cfg.supervisord.identifier, "sup");
});

Deno.test("shell_expansion off (the default): ${PORT} stays literal, as in Python", () => {
  const cfg = load("[supervisord]\n[program:web]\ncommand=/bin/web ${PORT:-8080} $$\n", { PORT: "1" });
  assert.equal(cfg.groups[0]!.processes[0]!.command, "/bin/web ${PORT:-8080} $$");
});

Deno.test("shell_expansion: an unset variable is a load error with the exact message", () => {
  const text = "[supervisord]\nshell_expansion=true\n[program:web]\ncommand=/bin/web ${PORT}\n";
  assert.throws(() => load(text), (e) => {
    assert.ok(e instanceof ConfigError);
    assert.equal(e.message, "${PORT} in 'program:web.command': PORT is not set (use ${PORT:-default})");
    return true;
  });
});

Deno.test({
  name: "supervisord 4.2.5 loads every config above (shell_expansion is an unknown key; ${…} stays literal there)",
  ignore: !canAskPython,
  fn() {
    const texts = [...used];
    assert.ok(texts.length >= 3, "the tests above ran first");
    assert.deepEqual(pythonLoadErrors(texts), texts.map(() => null));
  },
});
