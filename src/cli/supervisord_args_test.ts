import assert from "node:assert/strict";
import type { PathProbe } from "../config/datatypes.ts";
import {
  checkConfigFile,
  defaultSearchPaths,
  findDefaultConfig,
  formatUsageError,
  parseSupervisordArgs,
  type SupervisordArgs,
  UsageError,
} from "./supervisord_args.ts";

const DIRS = new Set([
  "/",
  "/tmp",
  "/var",
  "/var/log",
  "/home/u",
  "/home/u/logs",
  "/work",
  "/work/sub",
]);
const CWD = "/work";

const probe: PathProbe = {
  home: "/home/u",
  isDirectory: (p) => DIRS.has(p.startsWith("/") ? p : `${CWD}/${p}`),
};

function parse(...argv: string[]): SupervisordArgs {
  return parseSupervisordArgs(argv, probe);
}

function usage(...argv: string[]): string {
  try {
    parse(...argv);
  } catch (e) {
    assert.ok(e instanceof UsageError, String(e));
    return e.message;
  }
  assert.fail(`no usage error for ${JSON.stringify(argv)}`);
}

// [argv, expected overrides] for every value-carrying option, in its short,
// long, long-with-= and abbreviated spellings.
const FLAG_CASES: [string[], Record<string, unknown>][] = [
  [["-n"], { nodaemon: true }],
  [["--nodaemon"], { nodaemon: true }],
  [["--nod"], { nodaemon: true }],
  [["-s"], { silent: true }],
  [["--silent"], { silent: true }],
  [["--si"], { silent: true }],
  [["-k"], { nocleanup: true }],
  [["--nocleanup"], { nocleanup: true }],
  [["-t"], { strip_ansi: true }],
  [["--strip_ansi"], { strip_ansi: true }],
  [["--st"], { strip_ansi: true }],
  [["-u", "nobody"], { user: "nobody" }],
  [["--user=0"], { user: "0" }],
  [["--us", "bob"], { user: "bob" }],
  [["-m", "022"], { umask: 18 }],
  [["-m0o77"], { umask: 63 }],
  [["--umask=002"], { umask: 2 }],
  [["--um", "7"], { umask: 7 }],
  [["-d", "/tmp"], { directory: "/tmp" }],
  [["--directory=~/logs"], { directory: "/home/u/logs" }],
  [["--di", "sub"], { directory: "sub" }],
  [["-l", "/var/log/x.log"], { logfile: "/var/log/x.log" }],
  [["-lx.log"], { logfile: "x.log" }],
  [["--logfile", "~/s.log"], { logfile: "/home/u/s.log" }],
  [["-y", "5MB"], { logfile_maxbytes: 5242880 }],
  [["--logfile_maxbytes=1kb"], { logfile_maxbytes: 1024 }],
  [["--logfile_m", "7"], { logfile_maxbytes: 7 }],
  [["-z", "3"], { logfile_backups: 3 }],
  [["--logfile_backups= -1 "], { logfile_backups: -1 }],
  [["--logfile_b", "0"], { logfile_backups: 0 }],
  [["-e", "debug"], { loglevel: "debug" }],
  [["--loglevel=WARN"], { loglevel: "warn" }],
  [["--logl", "blather"], { loglevel: "blather" }],
  [["-j", "/tmp/s.pid"], { pidfile: "/tmp/s.pid" }],
  [["--pidfile=s.pid"], { pidfile: "s.pid" }],
  [["--pid", "/var/s.pid"], { pidfile: "/var/s.pid" }],
  [["-i", "node1"], { identifier: "node1" }],
  [["--identifier="], { identifier: "" }],
  [["--id", "x y"], { identifier: "x y" }],
  [["-q", "/tmp"], { childlogdir: "/tmp" }],
  [["--childlogdir=~"], { childlogdir: "/home/u" }],
  [["--ch", "/var/log"], { childlogdir: "/var/log" }],
  [["-a", "4096"], { minfds: 4096 }],
  [["--minfds=10"], { minfds: 10 }],
  [["--minf", "1_000"], { minfds: 1000 }],
  [["--minprocs", "300"], { minprocs: 300 }],
  [["--minp=1"], { minprocs: 1 }],
  [["--profile_options=cumulative,CALLERS"], {
    profile_options: { sortOrder: ["cumulative"], callers: true },
  }],
  [["--prof", ""], { profile_options: { sortOrder: [], callers: false } }],
  [["--profile_options", " calls , cumulative"], {
    profile_options: { sortOrder: ["calls", "cumulative"], callers: false },
  }],
];

Deno.test("parseSupervisordArgs() converts every option in each spelling", () => {
  for (const [argv, overrides] of FLAG_CASES) {
    assert.deepEqual(
      parse(...argv),
      { action: "run", overrides },
      JSON.stringify(argv),
    );
  }
});

Deno.test("parseSupervisordArgs() keeps -c as typed and handles clusters", () => {
  assert.deepEqual(parse("-c", "x.conf"), {
    action: "run",
    configfile: "x.conf",
    overrides: {},
  });
  assert.deepEqual(parse("--configuration=~/a"), {
    action: "run",
    configfile: "~/a",
    overrides: {},
  });
  assert.deepEqual(parse("--conf", ""), {
    action: "run",
    configfile: "",
    overrides: {},
  });
  assert.deepEqual(parse("-nkstc/etc/s.conf"), {
    action: "run",
    configfile: "/etc/s.conf",
    overrides: {
      nodaemon: true,
      nocleanup: true,
      silent: true,
      strip_ansi: true,
    },
  });
  assert.deepEqual(parse("-nm", "077", "-e", "info"), {
    action: "run",
    overrides: { nodaemon: true, umask: 63, loglevel: "info" },
  });
  assert.deepEqual(parse(), { action: "run", overrides: {} });
});

Deno.test("parseSupervisordArgs() acts on -h/-v in command-line order", () => {
  for (
    const argv of [
      ["-h"],
      ["--help"],
      ["-?"],
      ["--he"],
      ["-hv"],
      ["-h", "-v"],
      ["-n", "-?"],
    ]
  ) {
    assert.equal(parse(...argv).action, "help", JSON.stringify(argv));
  }
  for (
    const argv of [["-v"], ["--version"], ["--vers"], ["-vh"], ["-v", "--help"]]
  ) {
    assert.equal(parse(...argv).action, "version", JSON.stringify(argv));
  }
  // Options before -h are still checked; options after it are not.
  assert.equal(parse("-h", "-m", "999", "-n", "-n").action, "help");
  assert.equal(
    usage("-m", "999", "-h"),
    "invalid value for -m '999': 999 can not be converted to an octal type",
  );
  assert.equal(usage("-n", "-n", "-v"), "conflicting command line option '-n'");
  // getopt errors and positional arguments are found before any option runs.
  assert.equal(usage("-h", "--bogus"), "option --bogus not recognized");
  assert.equal(usage("-hx"), "option -x not recognized");
  assert.equal(
    usage("-v", "extra"),
    "positional arguments are not supported: ['extra']",
  );
});

Deno.test("parseSupervisordArgs() reports getopt errors and positional arguments", () => {
  assert.equal(usage("--bogus"), "option --bogus not recognized");
  assert.equal(usage("-x"), "option -x not recognized");
  assert.equal(usage("-c"), "option -c requires argument");
  assert.equal(
    usage("--configuration"),
    "option --configuration requires argument",
  );
  assert.equal(
    usage("--nodaemon=1"),
    "option --nodaemon must not have an argument",
  );
  assert.equal(usage("--u", "x"), "option --u not a unique prefix");
  assert.equal(usage("--min", "1"), "option --min not a unique prefix");
  assert.equal(usage("--log", "x"), "option --log not a unique prefix");
  assert.equal(
    usage("extra"),
    "positional arguments are not supported: ['extra']",
  );
  assert.equal(
    usage("-n", "a", "-k"),
    "positional arguments are not supported: ['a', '-k']",
  );
  assert.equal(
    usage("--", "-n"),
    "positional arguments are not supported: ['-n']",
  );
  assert.equal(usage("-"), "positional arguments are not supported: ['-']");
  assert.equal(
    usage("it's"),
    `positional arguments are not supported: ["it's"]`,
  );
});

Deno.test("parseSupervisordArgs() rejects a repeated option with the spelling that repeated it", () => {
  assert.equal(usage("-n", "-n"), "conflicting command line option '-n'");
  assert.equal(usage("-nn"), "conflicting command line option '-n'");
  assert.equal(
    usage("-n", "--nodaemon"),
    "conflicting command line option '--nodaemon'",
  );
  assert.equal(
    usage("-c", "a", "--conf", "b"),
    "conflicting command line option '--configuration'",
  );
  assert.equal(
    usage("-c", "", "-c", "b"),
    "conflicting command line option '-c'",
  );
  assert.equal(
    usage("-i", "", "-i", "x"),
    "conflicting command line option '-i'",
  );
  assert.equal(
    usage("--prof", "x", "--prof", "y"),
    "conflicting command line option '--profile_options'",
  );
  assert.equal(
    usage("-a", "1", "--minfds", "2"),
    "conflicting command line option '--minfds'",
  );
  // The second value is converted before the repeat is noticed.
  assert.equal(
    usage("-m", "022", "-m", "9"),
    "invalid value for -m '9': 9 can not be converted to an octal type",
  );
});

Deno.test("parseSupervisordArgs() reports conversion failures with the option as typed", () => {
  const cases: [string[], string][] = [
    [
      ["-m", "999"],
      "invalid value for -m '999': 999 can not be converted to an octal type",
    ],
    [
      ["--umask="],
      "invalid value for --umask '':  can not be converted to an octal type",
    ],
    [
      ["-y", "5XB"],
      "invalid value for -y '5XB': invalid literal for int() with base 10: '5xb'",
    ],
    [
      ["--logfile_max", "1.5MB"],
      "invalid value for --logfile_maxbytes '1.5MB': invalid literal for int() with base 10: '1.5'",
    ],
    [
      ["-z", "x"],
      "invalid value for -z 'x': invalid literal for int() with base 10: 'x'",
    ],
    [
      ["-a", "1.5"],
      "invalid value for -a '1.5': invalid literal for int() with base 10: '1.5'",
    ],
    [
      ["--minprocs="],
      "invalid value for --minprocs '': invalid literal for int() with base 10: ''",
    ],
    [["-e", "bad"], "invalid value for -e 'bad': bad logging level name 'bad'"],
    [
      ["--loglevel=warning"],
      "invalid value for --loglevel 'warning': bad logging level name 'warning'",
    ],
    [
      ["-l", "/nonexist/dir/log"],
      "invalid value for -l '/nonexist/dir/log': The directory named as part of the path /nonexist/dir/log does not exist",
    ],
    [
      ["-j", "nodir/x.pid"],
      "invalid value for -j 'nodir/x.pid': The directory named as part of the path nodir/x.pid does not exist",
    ],
    [
      ["-d", "/nonexist"],
      "invalid value for -d '/nonexist': /nonexist is not an existing directory",
    ],
    [
      ["-q", "~/nope"],
      "invalid value for -q '~/nope': ~/nope is not an existing directory",
    ],
    [
      ["--childlogdir", "it's"],
      `invalid value for --childlogdir "it's": it's is not an existing directory`,
    ],
  ];
  for (const [argv, message] of cases) {
    assert.equal(usage(...argv), message, JSON.stringify(argv));
  }
});

Deno.test("defaultSearchPaths() puts <here> (parent of argv0's directory) first", () => {
  assert.deepEqual(defaultSearchPaths("/usr/bin/supervisord"), [
    "/usr/etc/supervisord.conf",
    "/usr/supervisord.conf",
    "supervisord.conf",
    "etc/supervisord.conf",
    "/etc/supervisord.conf",
    "/etc/supervisor/supervisord.conf",
  ]);
  assert.deepEqual(defaultSearchPaths("supervisord").slice(0, 2), [
    "etc/supervisord.conf",
    "supervisord.conf",
  ]);
  assert.deepEqual(defaultSearchPaths("./supervisord").slice(0, 2), [
    "etc/supervisord.conf",
    "supervisord.conf",
  ]);
  assert.deepEqual(defaultSearchPaths("bin/supervisord").slice(0, 2), [
    "etc/supervisord.conf",
    "supervisord.conf",
  ]);
  assert.deepEqual(defaultSearchPaths("/supervisord").slice(0, 2), [
    "/etc/supervisord.conf",
    "/supervisord.conf",
  ]);
  assert.deepEqual(defaultSearchPaths("/opt/sv/bin//supervisord").slice(0, 2), [
    "/opt/sv/etc/supervisord.conf",
    "/opt/sv/supervisord.conf",
  ]);
});

Deno.test("findDefaultConfig() returns the first existing path, resolving relative ones against cwd", () => {
  const order = [
    "/usr/etc/supervisord.conf",
    "/usr/supervisord.conf",
    "/work/supervisord.conf",
    "/work/etc/supervisord.conf",
    "/etc/supervisord.conf",
    "/etc/supervisor/supervisord.conf",
  ];
  const expected = defaultSearchPaths("/usr/bin/supervisord");
  for (let i = 0; i < order.length; i++) {
    const present = new Set(order.slice(i));
    const probed: string[] = [];
    const found = findDefaultConfig("/usr/bin/supervisord", "/work", (p) => {
      probed.push(p);
      return present.has(p);
    });
    assert.equal(found, expected[i]);
    assert.deepEqual(probed, order.slice(0, i + 1));
  }
});

Deno.test("findDefaultConfig() lists every path tried when none exists", () => {
  assert.throws(
    () => findDefaultConfig("/usr/bin/supervisord", "/work", () => false),
    new UsageError(
      "No config file found at default paths (/usr/etc/supervisord.conf, /usr/supervisord.conf, " +
        "supervisord.conf, etc/supervisord.conf, /etc/supervisord.conf, " +
        "/etc/supervisor/supervisord.conf); use the -c option to specify a config file at a " +
        "different path",
    ),
  );
});

Deno.test("checkConfigFile() reports a missing or unreadable config with the path as given", () => {
  const files = new Set(["/work/s.conf", "/abs.conf", "/work/dir"]);
  const exists = (p: string) => files.has(p);
  const isDir = (p: string) => p === "/work/dir";
  checkConfigFile("s.conf", "/work", exists, isDir);
  checkConfigFile("/abs.conf", "/work", exists, isDir);
  assert.throws(
    () => checkConfigFile("missing.conf", "/work", exists, isDir),
    new UsageError("could not find config file missing.conf"),
  );
  assert.throws(
    () => checkConfigFile("dir", "/work", exists, isDir),
    new UsageError("could not read config file dir"),
  );
  assert.throws(
    () => checkConfigFile("", "/work", () => true, () => false),
    new UsageError("could not find config file "),
  );
});

Deno.test("formatUsageError() renders Python's two-line usage text", () => {
  assert.equal(
    formatUsageError("option --bogus not recognized", "/usr/bin/supervisord"),
    "Error: option --bogus not recognized\nFor help, use /usr/bin/supervisord -h\n",
  );
});
