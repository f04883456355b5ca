import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { getopt, GetoptError } from "./getopt.ts";

const SHORT = "h?c:vnu:m:d:l:y:z:e:j:i:q:a:kts";
const LONG = [
  "help",
  "configuration=",
  "version",
  "nodaemon",
  "user=",
  "umask=",
  "directory=",
  "logfile=",
  "logfile_maxbytes=",
  "logfile_backups=",
  "loglevel=",
  "pidfile=",
  "identifier=",
  "childlogdir=",
  "minfds=",
  "minprocs=",
  "nocleanup",
  "strip_ansi",
  "profile_options=",
  "silent",
];

function parse(args: string[]) {
  return getopt(args, SHORT, LONG);
}

function errorOf(args: string[]): string {
  try {
    parse(args);
  } catch (e) {
    assert.ok(e instanceof GetoptError);
    return e.message;
  }
  assert.fail(`no error for ${JSON.stringify(args)}`);
}

Deno.test("getopt() splits clustered short flags and attached or separate values", () => {
  assert.deepEqual(parse(["-nk"]), {
    opts: [["-n", ""], ["-k", ""]],
    args: [],
  });
  assert.deepEqual(parse(["-cfile"]), { opts: [["-c", "file"]], args: [] });
  assert.deepEqual(parse(["-c", "file", "x"]), {
    opts: [["-c", "file"]],
    args: ["x"],
  });
  assert.deepEqual(parse(["-nc", "f"]), {
    opts: [["-n", ""], ["-c", "f"]],
    args: [],
  });
  assert.deepEqual(parse(["-ncf"]), {
    opts: [["-n", ""], ["-c", "f"]],
    args: [],
  });
  assert.deepEqual(parse(["-c", ""]), { opts: [["-c", ""]], args: [] });
  assert.deepEqual(parse(["-c", "-n"]), { opts: [["-c", "-n"]], args: [] });
  assert.deepEqual(parse(["-?"]), { opts: [["-?", ""]], args: [] });
});

Deno.test("getopt() accepts --opt=value, --opt value and unique prefixes", () => {
  assert.deepEqual(parse(["--configuration=a=b"]), {
    opts: [["--configuration", "a=b"]],
    args: [],
  });
  assert.deepEqual(parse(["--configuration", "x"]), {
    opts: [["--configuration", "x"]],
    args: [],
  });
  assert.deepEqual(parse(["--conf="]), {
    opts: [["--configuration", ""]],
    args: [],
  });
  assert.deepEqual(parse(["--vers"]), { opts: [["--version", ""]], args: [] });
  assert.deepEqual(parse(["--nod"]), { opts: [["--nodaemon", ""]], args: [] });
  // An exact name wins over longer names sharing the prefix.
  assert.deepEqual(parse(["--logfile", "x"]), {
    opts: [["--logfile", "x"]],
    args: [],
  });
  assert.deepEqual(parse(["--logfile_m=1"]), {
    opts: [["--logfile_maxbytes", "1"]],
    args: [],
  });
});

Deno.test("getopt() stops at the first non-option, at -- and treats - as a word", () => {
  assert.deepEqual(parse(["-n", "x", "-k"]), {
    opts: [["-n", ""]],
    args: ["x", "-k"],
  });
  assert.deepEqual(parse(["--", "-n"]), { opts: [], args: ["-n"] });
  assert.deepEqual(parse(["-n", "--", "--", "x"]), {
    opts: [["-n", ""]],
    args: ["--", "x"],
  });
  assert.deepEqual(parse(["-", "-n"]), { opts: [], args: ["-", "-n"] });
  assert.deepEqual(parse([]), { opts: [], args: [] });
});

Deno.test("getopt() reports errors with Python's GetoptError texts", () => {
  assert.equal(errorOf(["--bogus"]), "option --bogus not recognized");
  assert.equal(errorOf(["-c"]), "option -c requires argument");
  assert.equal(errorOf(["-nc"]), "option -c requires argument");
  assert.equal(
    errorOf(["--nodaemon=1"]),
    "option --nodaemon must not have an argument",
  );
  assert.equal(
    errorOf(["--nod=1"]),
    "option --nodaemon must not have an argument",
  );
  assert.equal(errorOf(["--u", "x"]), "option --u not a unique prefix");
  assert.equal(errorOf(["-x"]), "option -x not recognized");
  assert.equal(errorOf(["-nx"]), "option -x not recognized");
  assert.equal(errorOf(["-:"]), "option -: not recognized");
  assert.equal(
    errorOf(["--configuration"]),
    "option --configuration requires argument",
  );
  assert.equal(errorOf(["--conf"]), "option --configuration requires argument");
  assert.equal(errorOf(["--=x"]), "option -- not a unique prefix");
  assert.equal(
    errorOf(["-n", "--bogus=1", "x"]),
    "option --bogus not recognized",
  );
});

Deno.test("GetoptError carries the option name as Python reports it", () => {
  try {
    parse(["--conf"]);
    assert.fail("expected an error");
  } catch (e) {
    assert.ok(e instanceof GetoptError);
    assert.equal(e.opt, "configuration");
  }
});

const PYTHON = "/usr/bin/python3";
const CROSS_CASES: string[][] = [
  ["-nk", "x"],
  ["-cfile", "-n"],
  ["--conf", "a", "--vers", "--", "-x"],
  ["-", "-n"],
  ["--logfile=", "-c", ""],
  ["-nc"],
  ["--u"],
  ["--bogus"],
  ["--silent=1"],
  ["--=x"],
  ["-é"],
  ["--min", "3"],
  ["--minp", "3", "-a4"],
];

Deno.test({
  name: "getopt() matches CPython getopt.getopt on a set of command lines",
  ignore: !existsSync(PYTHON),
  fn() {
    const script = [
      "import getopt, json, sys",
      "out = []",
      "for case in json.loads(sys.argv[1]):",
      "    try:",
      "        o, a = getopt.getopt(case, sys.argv[2], json.loads(sys.argv[3]))",
      "        out.append({'opts': [list(p) for p in o], 'args': a})",
      "    except getopt.GetoptError as e:",
      "        out.append({'error': str(e)})",
      "print(json.dumps(out))",
    ].join("\n");
    const res = spawnSync(
      PYTHON,
      ["-c", script, JSON.stringify(CROSS_CASES), SHORT, JSON.stringify(LONG)],
      { encoding: "utf8" },
    );
    assert.equal(res.status, 0, res.stderr);
    const expected = JSON.parse(res.stdout) as unknown[];
    const ours = CROSS_CASES.map((c) => {
      try {
        return parse(c);
      } catch (e) {
        if (e instanceof GetoptError) return { error: e.message };
        throw e;
      }
    });
    assert.deepEqual(ours, expected);
  },
});
