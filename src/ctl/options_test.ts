import assert from "node:assert/strict";
import { type CtlHost, type CtlOptions, parseCtlOptions } from "./options.ts";

function host(files: Record<string, string> = {}, extra: Partial<CtlHost> = {}): CtlHost {
  const dirs = new Set(["/", "/etc", "/home", "/tmp"]);
  return {
    progname: "/usr/bin/supervisorctl",
    argv0: "/usr/bin/supervisorctl",
    cwd: "/home",
    env: { HOME: "/root", LANG: "C.UTF-8", X: "ex" },
    exists: (p) => p in files || dirs.has(p),
    isDirectory: (p) => dirs.has(p),
    readFile: (p) => {
      const text = files[p];
      if (text === undefined) throw new Error("ENOENT");
      return new TextEncoder().encode(text);
    },
    ...extra,
  };
}

function options(args: string[], files: Record<string, string> = {}): CtlOptions {
  const r = parseCtlOptions(args, host(files));
  if (!("options" in r)) throw new Error(`no options: ${r.stderr}`);
  return r.options;
}

function failure(args: string[], files: Record<string, string> = {}): { exitCode: number; stderr: string } {
  const r = parseCtlOptions(args, host(files));
  if ("options" in r) throw new Error("expected a failure");
  return { exitCode: r.exitCode, stderr: r.stderr };
}

const usage = (msg: string) => `Error: ${msg}\nFor help, use /usr/bin/supervisorctl -h\n`;

Deno.test("[CTL.config,CFG.supervisorctl.serverurl] defaults without a config file", () => {
  assert.deepEqual(options(["status", "-x"]), {
    configfile: null,
    serverurl: "http://localhost:9001",
    username: null,
    password: null,
    prompt: "supervisor",
    historyFile: null,
    interactive: false,
    updateMode: "python",
    args: ["status", "-x"],
  });
  assert.equal(options([]).interactive, true, "no command: interactive");
  assert.equal(options(["-i", "pid"]).interactive, true);
});

Deno.test("[CTL.options] -h prints the usage text with the program name; -? too", () => {
  for (const flag of ["-h", "--help", "-?", "--he"]) {
    const r = parseCtlOptions([flag, "-s", "bad"], host());
    assert.ok(!("options" in r));
    assert.equal(r.exitCode, 0);
    assert.match(r.stdout, /^supervisorctl -- control applications run by supervisord from the cmd line\.\n\nUsage: /);
    assert.ok(r.stdout.includes("Usage: /usr/bin/supervisorctl [options] [action [arguments]]\n"));
    assert.ok(r.stdout.endsWith("actions.\n\n"));
  }
});

Deno.test("[CTL.options] usage errors: unknown option, bad URL, conflicts; processed in order", () => {
  assert.deepEqual(failure(["-x"]), { exitCode: 2, stderr: usage("option -x not recognized") });
  assert.deepEqual(failure(["-s", "foo", "status"]), {
    exitCode: 2,
    stderr: usage("invalid value for -s 'foo': value 'foo' is not a URL"),
  });
  assert.deepEqual(
    failure(["--serverurl=foo"]).stderr,
    usage("invalid value for --serverurl 'foo': value 'foo' is not a URL"),
  );
  assert.equal(failure(["-s", "http://a", "-s", "http://b"]).stderr, usage("conflicting command line option '-s'"));
  assert.equal(failure(["-i", "--interactive"]).stderr, usage("conflicting command line option '--interactive'"));
  assert.equal(failure(["-u", "", "-u", "x"]).stderr, usage("conflicting command line option '-u'"));
  assert.equal(failure(["-s", "bad", "-h"]).exitCode, 2, "an earlier bad option wins over a later -h");
  assert.equal(failure(["-c"]).stderr, usage("option -c requires argument"));
});

Deno.test("[CTL.options] -u, -p, -s from the command line; -r is accepted and ignored as in Python", () => {
  const o = options(["-u", "me", "-p", "", "-s", "unix://rel.sock", "-r", "/tmp/h", "pid"]);
  assert.equal(o.username, "me");
  assert.equal(o.password, "");
  assert.equal(o.serverurl, "unix://rel.sock", "a -s URL is not normalised");
  assert.equal(o.historyFile, null);
});

Deno.test("[CTL.config,CFG.supervisorctl.required] a config file must have [supervisorctl]", () => {
  assert.deepEqual(failure(["-c", "/etc/a.conf", "pid"], { "/etc/a.conf": "[foo]\na=1\n" }), {
    exitCode: 2,
    stderr: usage(".ini file does not include supervisorctl section"),
  });
  assert.equal(failure(["-c", "/nonexist", "pid"]).stderr, usage("could not find config file /nonexist"));
  assert.equal(failure(["-c", "/tmp", "pid"]).stderr, usage("could not read config file /tmp"));
});

Deno.test("[CTL.config,CFG.supervisorctl.serverurl,CFG.supervisorctl.username,CFG.supervisorctl.password,CFG.supervisorctl.prompt,CFG.supervisorctl.history_file] [supervisorctl] values, expansion, normalisation, CLI precedence", () => {
  const conf = "[supervisorctl]\nserverurl=unix://%(here)s/../run/./s.sock\nusername=%(ENV_X)s\n" +
    "password=pw\nprompt=hey\nhistory_file=~/hist\n";
  const o = options(["-c", "etc/c.conf", "pid"], { "/home/etc/c.conf": conf });
  assert.equal(o.configfile, "etc/c.conf");
  assert.equal(o.serverurl, "unix:///home/run/s.sock");
  assert.equal(o.username, "ex");
  assert.equal(o.password, "pw");
  assert.equal(o.prompt, "hey");
  assert.equal(o.historyFile, "/root/hist");
  const cli = options(["-c", "etc/c.conf", "-u", "cli", "-s", "http://h:1", "pid"], { "/home/etc/c.conf": conf });
  assert.equal(cli.username, "cli");
  assert.equal(cli.serverurl, "http://h:1");
  assert.equal(
    options(["-c", "/e.conf", "pid"], { "/e.conf": "[supervisorctl]\n" }).serverurl,
    "http://localhost:9001",
  );
});

Deno.test("[CTL.config] expansion errors are usage errors; %(here)s is offered only where Python offers it", () => {
  const r = failure(["-c", "/c.conf", "pid"], { "/c.conf": "[supervisorctl]\nusername=%(here)s\n" });
  assert.equal(r.exitCode, 2);
  assert.ok(
    r.stderr.startsWith(
      "Error: Format string '%(here)s' for 'supervisorctl.username' contains names ('here') which cannot be " +
        "expanded. Available names: ENV_HOME, ENV_LANG, ENV_X\n",
    ),
    r.stderr,
  );
});

Deno.test("[CTL.config,CLI.configsearch] the default search finds supervisord.conf in the cwd; -c '' reads nothing", () => {
  const files = { "/home/supervisord.conf": "[supervisorctl]\nserverurl=unix:///x.sock\n" };
  assert.equal(options(["pid"], files).configfile, "supervisord.conf");
  assert.equal(options(["pid"], files).serverurl, "unix:///x.sock");
  assert.equal(options(["-c", "", "pid"], files).configfile, null);
  assert.equal(options(["-c", "", "pid"], files).serverurl, "http://localhost:9001");
});

Deno.test("[INI.errors,CTL.config] INI syntax errors end like Python's traceback (exit 1); bad UTF-8 is a usage error", () => {
  const r = failure(["-c", "/b.conf", "pid"], { "/b.conf": "garbage\n[supervisorctl]\n" });
  assert.equal(r.exitCode, 1);
  assert.equal(
    r.stderr,
    "Traceback (most recent call last):\nconfigparser.MissingSectionHeaderError: File contains no section headers.\n" +
      "file: '/b.conf', line: 1\n'garbage\\n'\n",
  );
  const bad = parseCtlOptions(["-c", "/u.conf", "pid"], {
    ...host({ "/u.conf": "" }),
    readFile: () => new Uint8Array([0xff, 0x5b]),
  });
  assert.ok(!("options" in bad));
  assert.equal(bad.stderr, usage("'utf-8' codec can't decode byte 0xff in position 0: invalid start byte"));
});

Deno.test("[supervisorctl] update_mode (extension): python by default, surgical, anything else a usage error", () => {
  const conf = (extra: string) => ({ "/u.conf": `[supervisorctl]\nserverurl=unix:///tmp/s.sock\n${extra}` });
  assert.equal(options(["-c", "/u.conf", "update"], conf("")).updateMode, "python");
  assert.equal(options(["-c", "/u.conf", "update"], conf("update_mode = Surgical\n")).updateMode, "surgical");
  assert.deepEqual(failure(["-c", "/u.conf", "update"], conf("update_mode=fast\n")), {
    exitCode: 2,
    stderr: usage("update_mode must be one of python, surgical"),
  });
});

Deno.test("[supervisord] shell_expansion=true also expands [supervisorctl] in our client", () => {
  const files = (on: string) => ({
    "/u.conf": `[supervisord]\n${on}[supervisorctl]\nserverurl=\${URL:-unix:///tmp/d.sock}\nprompt=\${X}\n`,
  });
  const on = options(["-c", "/u.conf", "pid"], files("shell_expansion=true\n"));
  assert.deepEqual([on.serverurl, on.prompt], ["unix:///tmp/d.sock", "ex"]);
  const off = options(["-c", "/u.conf", "pid"], files(""));
  assert.deepEqual([off.serverurl, off.prompt], ["${URL:-unix:///tmp/d.sock}", "${X}"]);
});
