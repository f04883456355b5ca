import assert from "node:assert/strict";
import { ConfigError } from "./errors.ts";
import { loadConfig } from "./load.ts";
import { rotateEvery } from "./load_log_extensions.ts";
import { hostOf } from "./_testing.ts";
import { canAskPython, pythonLoadErrors } from "../../compat-tests/_python_accepts.ts";

const CONF = `[supervisord]
log_rotate_utc = true
logfile_rotate_every = weekly

[program:web]
command = /bin/cat
stdout_logfile_rotate_every = daily
stderr_logfile_rotate_every = 90m
`;

Deno.test("rotate_every: none, hourly, daily, weekly or a duration of at least a minute", () => {
  assert.equal(rotateEvery("k", " None "), null);
  assert.deepEqual(rotateEvery("k", "HOURLY"), { kind: "hourly" });
  assert.deepEqual(rotateEvery("k", "weekly"), { kind: "weekly" });
  assert.deepEqual(rotateEvery("k", "1m"), { kind: "every", seconds: 60 });
  assert.deepEqual(rotateEvery("k", "2h"), { kind: "every", seconds: 7200 });
  for (const bad of ["30s", "monthly", "59", "5x", ""]) {
    assert.throws(() => rotateEvery("stdout_logfile_rotate_every", bad), {
      message: "stdout_logfile_rotate_every must be none, hourly, daily, weekly or a duration >= 1m",
    });
  }
});

Deno.test("loadConfig() reads the rotation keys; a bad value names its section and file", () => {
  const cfg = loadConfig("/etc/sv/supervisord.conf", hostOf({ "/etc/sv/supervisord.conf": CONF }));
  assert.equal(cfg.supervisord.log_rotate_utc, true);
  assert.deepEqual(cfg.supervisord.logfile_rotate_every, { kind: "weekly" });
  const web = cfg.groups[0]!.processes[0]!;
  assert.deepEqual(web.stdout_logfile_rotate_every, { kind: "daily" });
  assert.deepEqual(web.stderr_logfile_rotate_every, { kind: "every", seconds: 5400 });
  const plain = loadConfig(
    "/etc/sv/s.conf",
    hostOf({ "/etc/sv/s.conf": "[supervisord]\n[program:x]\ncommand=/bin/x\n" }),
  );
  assert.equal(plain.supervisord.log_rotate_utc, false);
  assert.equal(plain.groups[0]!.processes[0]!.stdout_logfile_rotate_every, null);
  assert.throws(
    () => loadConfig("/etc/sv/b.conf", hostOf({ "/etc/sv/b.conf": CONF.replace("= daily", "= fortnightly") })),
    (e: unknown) =>
      e instanceof ConfigError &&
      e.message === "stdout_logfile_rotate_every must be none, hourly, daily, weekly or a duration >= 1m " +
          "in section 'program:web' (file: '/etc/sv/b.conf')",
  );
});

Deno.test("a config with the rotation keys loads in supervisord 4.2.5", { ignore: !canAskPython }, () => {
  assert.deepEqual(pythonLoadErrors([CONF]), [null]);
});
