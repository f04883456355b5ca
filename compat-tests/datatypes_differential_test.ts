/**
 * Differential test: the pure converters of src/config/datatypes.ts against
 * supervisor.datatypes (and `signame`) in the reference interpreter, over
 * one table of inputs evaluated in one Python process.
 *
 * Python counterpart: supervisor/datatypes.py, supervisor/options.py.
 * @module
 */

import assert from "node:assert/strict";
import {
  autoRestart,
  boolean,
  byteSize,
  dictOfKeyValuePairs,
  exitCodes,
  inetAddress,
  integer,
  listOfStrings,
  logLevel,
  octalType,
  processOrGroupName,
  signalName,
  signalNumber,
  url,
} from "../src/config/datatypes.ts";
import { hasPython, type Outcome, outcomeOf, PY_OUTCOME, runPython } from "./_python.ts";

/** Inputs every converter is run on. */
const COMMON: string[] = [
  "",
  " ",
  "0",
  "1",
  "-1",
  "+1",
  " 42 ",
  "\t7\n",
  "1_000",
  "_1",
  "1_",
  "1__0",
  "0x1f",
  "0o22",
  "022",
  "0777",
  "8",
  "1.5",
  "1e3",
  "٣",
  "１２",
  "\u00a05\u3000",
  "\x1c5",
  "\x855",
  "- 5",
  "yes",
  "YES",
  "No",
  "true",
  "False",
  "on",
  "OFF",
  "t",
  "y",
  "none",
  "auto",
  "syslog",
  "unexpected",
  "UNEXPECTED",
  "warn",
  "WARNING",
  "Info",
  "critical",
  "blather",
  "trace",
  "TERM",
  "sigterm",
  " SIGHUP ",
  "SIGKILL",
  "kill",
  "_DFL",
  "SIG_IGN",
  "sig_setmask",
  "SIGRTMIN",
  "RTMAX",
  "SIGIOT",
  "SIGCLD",
  "SIGFOO",
  "9",
  "15",
  "35",
  "64",
  "65",
  "-15",
  "5KB",
  "5kb",
  "50MB",
  " 5 MB",
  "1GB",
  "1.5MB",
  "1B",
  "50M",
  "kb",
  "KB",
  "-1kb",
  "1_0mb",
  "0,1,2",
  "0, 2 ,255",
  "256",
  "1,,2",
  "0,",
  ",",
  "a,b",
  " a , b ,c ",
  "1, -1",
  "A=1,B=2",
  "A=\"a b\",B='c,d'",
  "A=1 B=2",
  "A=x y",
  "A=$HOME",
  "A==1",
  "A=",
  'A=""',
  "A=1,,B=2",
  "KEY=é",
  "A=éb",
  "A=1#x\n,B=2",
  "name",
  " name ",
  "with space",
  "a:b",
  "a/b",
  "tab\tname",
  "é😀",
  "9001",
  "127.0.0.1:9001",
  "LOCALHOST:9001",
  "*:9001",
  ":9001",
  "host:",
  "host:0",
  "host:65535",
  "host:65536",
  "host:abc",
  "0",
  "65536",
  "abc",
  "[::1]:9001",
  "a:b:80",
  "http://localhost:9001",
  "unix:///tmp/supervisor.sock",
  "localhost:9001",
  "http://",
  "http:",
  "http:/path",
  "http:;p",
  "http:x;p",
  "ftp:/a/b;c",
  "1http://x",
  "http://[::1]:80",
  "http://[::1",
  "http://]x",
  "http://[1.2.3.4]/",
  "http://[v1.x]/",
  "http://[vz]/",
  "http://[fe80::1%eth0]:80",
  "http://[::ffff:1.2.3.4]/",
  "http://[1:2:3:4:5:6:7:8]/",
  "http://[1::2::3]/",
  "http://x[::1]/",
  "http://[::1]x/",
  "http://u@[::1]:1/",
  " \thttp://x",
  "ht\ttp://x",
  "http://\u2100/",
  "http://a\u00e9b/",
  "x:y",
  "a+b.c-d:x",
  "'quoted'",
  "it's",
  "x".repeat(300),
  "1".repeat(5000),
  "1".repeat(5000) + "x",
];

type Converter = [string, (s: string) => unknown];

/** Infinite results (octal values past a double) as Python's side spells them. */
function normalize(v: unknown): unknown {
  if (typeof v === "number" && !Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
  return v;
}

const CONVERTERS: Converter[] = [
  ["boolean", boolean],
  ["integer", integer],
  ["byte_size", byteSize],
  ["octal_type", octalType],
  ["logging_level", logLevel],
  ["signal_number", signalNumber],
  ["list_of_exitcodes", exitCodes],
  ["auto_restart", autoRestart],
  ["list_of_strings", listOfStrings],
  ["dict_of_key_value_pairs", (s) => Object.entries(dictOfKeyValuePairs(s))],
  ["process_or_group_name", processOrGroupName],
  ["inet_address", (s) => {
    const { host, port } = inetAddress(s);
    return [host, port];
  }],
  ["url", url],
];

const PY_CONVERTERS = `
from supervisor import datatypes as dt
from supervisor.loggers import LevelsByDescription
LEVEL_NAMES = {v: k for k, v in vars(LevelsByDescription).items() if not k.startswith('_')}
def restart(s):
    v = dt.auto_restart(s)
    return {dt.RestartUnconditionally: True, dt.RestartWhenExitUnexpected: 'unexpected'}.get(v, v)
def norm(v):
    # JSON cannot carry ints past a double's range; compare as JS numbers.
    if isinstance(v, int) and not isinstance(v, bool) and abs(v) > 2**64:
        try:
            return float(v)
        except OverflowError:
            return 'inf' if v > 0 else '-inf'
    return v
FNS = {
    'boolean': dt.boolean,
    'integer': dt.integer,
    'byte_size': dt.byte_size,
    'octal_type': lambda s: norm(dt.octal_type(s)),
    'logging_level': lambda s: LEVEL_NAMES[dt.logging_level(s)],
    'signal_number': lambda s: int(dt.signal_number(s)),
    'list_of_exitcodes': dt.list_of_exitcodes,
    'auto_restart': restart,
    'list_of_strings': dt.list_of_strings,
    'dict_of_key_value_pairs': lambda s: list(dt.dict_of_key_value_pairs(s).items()),
    'process_or_group_name': dt.process_or_group_name,
    'inet_address': lambda s: list(dt.inet_address(s)),
    'url': dt.url,
}
`;

Deno.test({
  name:
    "[DT.boolean,DT.integer,DT.bytesize,DT.octal,DT.signal,DT.exitcodes,DT.autorestart,DT.loglevel,DT.kvpairs,DT.liststr,DT.url,DT.inetaddr,GEN.names] boolean(), integer(), byteSize() and the other pure converters match supervisor.datatypes",
  ignore: !hasPython,
  fn: () => {
    const names = CONVERTERS.map(([name]) => name);
    const py = runPython(
      PY_OUTCOME + PY_CONVERTERS +
        "emit([[outcome(FNS[n], s) for s in INPUT[1]] for n in INPUT[0]])",
      [names, COMMON],
    ) as Outcome[][];
    CONVERTERS.forEach(([name, fn], i) => {
      COMMON.forEach((s, j) => {
        const expected = py[i]![j]!;
        const actual = outcomeOf(() => normalize(fn(s)));
        assert.deepEqual(actual, expected, `${name}(${JSON.stringify(s).slice(0, 60)})`);
      });
    });
  },
});

Deno.test({
  name: "[DT.signame] signalName() matches supervisor.options.signame",
  ignore: !hasPython,
  fn: () => {
    const nums = Array.from({ length: 80 }, (_, i) => i - 5);
    const py = runPython(
      "from supervisor.options import signame\nemit([signame(n) for n in INPUT])",
      nums,
    ) as string[];
    assert.deepEqual(nums.map(signalName), py);
  },
});

Deno.test({
  name: "[DT.integer] integer() accepts exactly the Unicode digits and spaces Python's int() does",
  ignore: !hasPython,
  fn: () => {
    // For every code point c: int(c + '1' + c) succeeds for a space (1) or a
    // decimal digit d (d*100 + 10 + d); Python lists the ones that succeed.
    const py = runPython(
      "out = []\n" +
        "for c in range(0x110000):\n" +
        "    try: out.append([c, int(chr(c) + '1' + chr(c))])\n" +
        "    except ValueError: pass\n" +
        "emit(out)",
      null,
    ) as [number, number][];
    const ours: [number, number][] = [];
    for (let c = 0; c < 0x110000; c++) {
      const ch = String.fromCodePoint(c);
      try {
        ours.push([c, integer(ch + "1" + ch)]);
      } catch {
        // rejected, as Python rejects it
      }
    }
    assert.deepEqual(ours, py);
  },
});
