import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { type CliEnv, runSupervisordCli } from "./supervisord_cli.ts";
import { ROOT_SEARCH_WARNING } from "./supervisord_args.ts";

const HELP = readFileSync(
  new URL(
    "../../compat-tests/fixtures/cli/supervisord_help.txt",
    import.meta.url,
  ),
  "utf8",
);

function fakeEnv(
  files: string[],
  dirs: string[] = [],
  euid = 1000,
): CliEnv & { probed: string[] } {
  const probed: string[] = [];
  return {
    argv0: "/usr/bin/supervisord",
    cwd: "/srv",
    euid,
    env: { HOME: "/home/u" },
    probed,
    exists(p) {
      probed.push(p);
      return files.includes(p) || dirs.includes(p);
    },
    isDirectory(p) {
      probed.push(p);
      return dirs.includes(p);
    },
  };
}

Deno.test("[GEN.version] runSupervisordCli() prints the help text and the version on stdout", () => {
  assert.deepEqual(runSupervisordCli(["-h"], fakeEnv([])), {
    exitCode: 0,
    stdout: HELP,
    stderr: "",
  });
  assert.deepEqual(runSupervisordCli(["-vh"], fakeEnv([])), {
    exitCode: 0,
    stdout: "4.2.5\n",
    stderr: "",
  });
});

Deno.test("runSupervisordCli() reports usage errors on stderr with exit status 2", () => {
  assert.deepEqual(runSupervisordCli(["--bogus"], fakeEnv([])), {
    exitCode: 2,
    stdout: "",
    stderr: "Error: option --bogus not recognized\nFor help, use /usr/bin/supervisord -h\n",
  });
  const missing = runSupervisordCli(["-c", "nope.conf"], fakeEnv([]));
  assert.equal(missing.exitCode, 2);
  assert.equal(
    missing.stderr,
    "Error: could not find config file nope.conf\nFor help, use /usr/bin/supervisord -h\n",
  );
  const dir = runSupervisordCli(["-c", "conf.d"], fakeEnv([], ["/srv/conf.d"]));
  assert.equal(
    dir.stderr,
    "Error: could not read config file conf.d\nFor help, use /usr/bin/supervisord -h\n",
  );
});

Deno.test("runSupervisordCli() returns the run settings once the config file is found", () => {
  const env = fakeEnv(["/srv/my.conf"], ["/srv/logs"]);
  assert.deepEqual(
    runSupervisordCli(["-n", "-c", "my.conf", "-q", "logs"], env),
    {
      exitCode: 0,
      stdout: "",
      stderr: "",
      config: {
        configfile: "my.conf",
        searched: false,
        overrides: { nodaemon: true, childlogdir: "logs" },
      },
    },
  );
  assert.ok(env.probed.includes("/srv/logs"));
  assert.deepEqual(
    runSupervisordCli([], fakeEnv(["/srv/etc/supervisord.conf"])).config,
    {
      configfile: "etc/supervisord.conf",
      searched: true,
      overrides: {},
    },
  );
});

Deno.test("runSupervisordCli() warns root about the default search before anything else", () => {
  const found = runSupervisordCli(
    ["-n"],
    fakeEnv(["/etc/supervisor/supervisord.conf"], [], 0),
  );
  assert.equal(found.stderr, ROOT_SEARCH_WARNING);
  assert.equal(found.config?.configfile, "/etc/supervisor/supervisord.conf");
  const none = runSupervisordCli([], fakeEnv([], [], 0));
  assert.equal(none.exitCode, 2);
  assert.ok(
    none.stderr.startsWith(
      ROOT_SEARCH_WARNING + "Error: No config file found at default paths (",
    ),
  );
  // No warning with -c, for other users, or when the command line is rejected first.
  assert.equal(
    runSupervisordCli(["-c", "/etc/s.conf"], fakeEnv(["/etc/s.conf"], [], 0))
      .stderr,
    "",
  );
  assert.equal(
    runSupervisordCli([], fakeEnv(["/srv/supervisord.conf"])).stderr,
    "",
  );
  assert.ok(
    !runSupervisordCli(["-x"], fakeEnv([], [], 0)).stderr.includes(
      "UserWarning",
    ),
  );
});

Deno.test("ROOT_SEARCH_WARNING is the UserWarning text Python prints", () => {
  assert.equal(
    ROOT_SEARCH_WARNING,
    "UserWarning: Supervisord is running as root and it is searching for its configuration " +
      "file in default locations (including its current working directory); you probably " +
      'want to specify a "-c" argument specifying an absolute path to a configuration file ' +
      "for improved security.\n",
  );
});
