import assert from "node:assert/strict";
import { type CliHost, pythonTempdir, runCli } from "./main.ts";
import type { SupervisorConfig } from "./config/schema.ts";
import type { ServerOptions } from "./config/server_options.ts";
import { SAMPLE_SUPERVISORD_CONF } from "./cli/sample_conf.ts";
import { PyException } from "./process/py_exception.ts";

function memoryHost(files: Record<string, string>, argv0 = "/usr/bin/supervisord") {
  const out = { stdout: "", stderr: "" };
  const dirs = new Set(["/", "/tmp", "/etc", "/work"]);
  const host: CliHost = {
    argv0,
    cwd: "/work",
    env: { PATH: "/bin", HOME: "/root" },
    uid: 1000,
    hostname: "box",
    exists: (p) => p in files || dirs.has(p),
    isDirectory: (p) => dirs.has(p),
    isWritableDirectory: (p) => dirs.has(p),
    readFile: (p) => {
      if (!(p in files)) throw new Error(`ENOENT ${p}`);
      return new TextEncoder().encode(files[p]);
    },
    readDir: () => null,
    writeFile: (p, text) => {
      files[p] = text;
      return Promise.resolve();
    },
    makeTempDir: (prefix) => {
      const dir = `/tmp/${prefix}1`;
      dirs.add(dir);
      return Promise.resolve(dir);
    },
    stdout: (t) => out.stdout += t,
    stderr: (t) => out.stderr += t,
  };
  return { host, out, files };
}

function recordingStart() {
  const calls: [ServerOptions, SupervisorConfig][] = [];
  const start = (options: ServerOptions, config: SupervisorConfig) => {
    calls.push([options, config]);
    return Promise.resolve(0);
  };
  return { calls, start };
}

Deno.test("[SCOPE.echo_conf] runCli() prints the sample config for echo_supervisord_conf, by name or subcommand", async () => {
  for (
    const [argv0, args] of [["/usr/bin/echo_supervisord_conf", []], ["/usr/bin/supervisord", [
      "echo_supervisord_conf",
    ]]] as const
  ) {
    const { host, out } = memoryHost({}, argv0);
    const { calls, start } = recordingStart();
    assert.equal(await runCli(args, host, start), 0);
    assert.equal(out.stdout, SAMPLE_SUPERVISORD_CONF);
    assert.equal(calls.length, 0);
  }
});

Deno.test("runCli() demo writes the embedded config to a temp dir and starts it", async () => {
  const { host, files } = memoryHost({});
  const { calls, start } = recordingStart();
  assert.equal(await runCli(["demo"], host, start), 0);
  assert.ok(files["/tmp/supervisord-demo-1/supervisord.conf"]?.includes("[program:clock]"));
  const [options, config] = calls[0]!;
  assert.equal(options.nodaemon, true);
  assert.equal(config.here, "/tmp/supervisord-demo-1");
  assert.deepEqual(config.groups.map((g) => g.name).sort(), [
    "cache",
    "clock",
    "dev",
    "flaky",
    "idle",
    "report",
    "web",
    "worker",
  ]);
});

Deno.test("[CLI.usage,CLI.precedence] runCli() applies command-line values over the config", async () => {
  const { host } = memoryHost({ "/work/s.conf": "[supervisord]\nloglevel=debug\nidentifier=fromconf\n" });
  const { calls, start } = recordingStart();
  assert.equal(await runCli(["-c", "s.conf", "-e", "warn", "-n"], host, start), 0);
  const [options] = calls[0]!;
  assert.equal(options.loglevel, "warn");
  assert.equal(options.identifier, "fromconf");
  assert.equal(options.nodaemon, true);
  assert.equal(options.logfile, "/work/supervisord.log");
});

Deno.test("[CLI.usage] runCli() reports a config error as a usage error and does not start", async () => {
  const { host, out } = memoryHost({ "/work/s.conf": "[supervisord]\nloglevel=loud\n" });
  const { calls, start } = recordingStart();
  assert.equal(await runCli(["-c", "s.conf"], host, start), 2);
  assert.equal(out.stderr, "Error: bad logging level name 'loud'\nFor help, use /usr/bin/supervisord -h\n");
  assert.equal(calls.length, 0);
});

Deno.test("runCli() ends with Python's traceback lines and status 1 when the daemon raises an uncaught exception", async () => {
  const { host, out } = memoryHost({ "/work/s.conf": "[supervisord]\n" });
  const start = () => Promise.reject(new PyException("ValueError", "Could not create FastCGI socket tcp://h:1: boom"));
  assert.equal(await runCli(["-c", "s.conf"], host, start), 1);
  assert.equal(
    out.stderr,
    "Traceback (most recent call last):\nValueError: Could not create FastCGI socket tcp://h:1: boom\n",
  );
});

Deno.test("[CFG.supervisord.childlogdir] pythonTempdir() takes the first writable candidate like tempfile.gettempdir()", () => {
  const writable = new Set(["/var/tmp", "/work/rel"]);
  const host = { cwd: "/work", isWritableDirectory: (p: string) => writable.has(p) };
  assert.equal(pythonTempdir(host, {}), "/var/tmp");
  assert.equal(pythonTempdir(host, { TMPDIR: "rel" }), "/work/rel");
  assert.equal(pythonTempdir({ cwd: "/work", isWritableDirectory: () => false }, {}), "/work");
});
