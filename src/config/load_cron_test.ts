import assert from "node:assert/strict";
import { ConfigError } from "./errors.ts";
import { loadConfig } from "./load.ts";
import type { ProcessConfig, SupervisorConfig } from "./schema.ts";
import { hostOf } from "./_testing.ts";
import { canAskPython, pythonLoadErrors } from "../../compat-tests/_python_accepts.ts";

const CONF = "/etc/sv/supervisord.conf";
const WHERE = ` in section 'program:job' (file: '${CONF}')`;

/** Every config text that loads here; supervisord 4.2.5 must load each (last test). */
const texts = new Set<string>();

function load(text: string): SupervisorConfig {
  texts.add(text);
  return loadConfig(CONF, hostOf({ [CONF]: text }));
}

const job = (keys: string) => `[supervisord]\n[program:job]\ncommand=/bin/job\n${keys}`;
const proc = (keys: string): ProcessConfig => load(job(keys)).groups[0]!.processes[0]!;

function loadError(keys: string): string {
  try {
    loadConfig(CONF, hostOf({ [CONF]: job(keys) }));
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    return e.message;
  }
  assert.fail("the config loaded");
}

Deno.test("[EXT.cron.keys] no cron key: no schedule, no cron field, Python's autostart default", () => {
  const p = proc("");
  assert.equal("cron" in p, false);
  assert.equal(p.autostart, true);
});

Deno.test("[EXT.cron.keys] cron and its keys; autostart defaults to false, an explicit value wins", () => {
  const p = proc("cron=*/5 * * * *\ncron_timezone=Europe/Paris\ncron_overlap=restart\ncron_stop=@hourly\n");
  assert.equal(p.autostart, false);
  assert.equal(p.cron!.start.source, "*/5 * * * *");
  assert.equal(p.cron!.stop!.source, "@hourly");
  assert.equal(p.cron!.timezone, "Europe/Paris");
  assert.equal(p.cron!.overlap, "restart");
  const q = proc("cron=@every 30s\nautostart=true\nautorestart=false\n");
  assert.equal(q.autostart, true);
  assert.equal(q.cron!.overlap, "skip");
  assert.equal(q.cron!.timezone, null);
  assert.equal(proc("cron=*/10 * * * * *\n").cron!.start.kind, "fields");
});

Deno.test("[EXT.cron.keys] WARN at load when autorestart is not false", () => {
  const warned = load(job("cron=@daily\n")).parseWarnings;
  assert.ok(warned.some((w) => w.includes("cron is set in section 'program:job'") && w.includes("autorestart")));
  assert.equal(load(job("cron=@daily\nautorestart=false\n")).parseWarnings.length, 0);
});

Deno.test("[EXT.cron.errors] load errors in Python's shape", () => {
  assert.equal(
    loadError("cron=61 * * * *\n"),
    `invalid cron expression '61 * * * *': minute 61 out of range 0-59${WHERE}`,
  );
  assert.equal(
    loadError("cron=@daily\ncron_timezone=Europe/Pariss\n"),
    `unknown cron_timezone 'Europe/Pariss'${WHERE}`,
  );
  assert.equal(loadError("cron=@daily\ncron_overlap=queue\n"), `cron_overlap must be one of skip, restart${WHERE}`);
  assert.equal(loadError("cron_stop=@daily\n"), `cron_stop needs cron${WHERE}`);
});

Deno.test({
  name: "[EXT.cron.python] every config with cron keys above loads in supervisord 4.2.5",
  ignore: !canAskPython,
  fn() {
    const all = [...texts].filter((t) => t.includes("cron"));
    assert.ok(all.length >= 4, "the tests above ran first");
    assert.deepEqual(pythonLoadErrors(all), all.map(() => null));
  },
});
