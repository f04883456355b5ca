/**
 * The step tables of ctl_own_differential_test.ts: supervisorctl command
 * lines (with stdin, Ctrl-C timing and a state reset where needed) that the
 * stock client and ours both run against one daemon on the fixture there.
 *
 * Python counterpart: none (test support).
 * @module
 */

import type { CtlDaemon } from "./_ctl.ts";

/** One command line for both clients. */
export interface Step {
  /** Arguments after the program name; `<TMP>` and `<PORT>` are filled in. */
  args: string[];
  stdin?: string;
  /** Ctrl-C once stdout matches. */
  interruptWhen?: RegExp;
  /** Ctrl-C after this long. */
  interruptAfterMs?: number;
  /** Deadline for each client (default 20 s). */
  timeoutMs?: number;
  /** Compare stdout lines sorted (group results arrive in poll order). */
  sortLines?: boolean;
  /** Puts the daemon back as it was, run after each client. */
  reset?: (d: CtlDaemon) => Promise<void>;
}

/** A plain step from a space-separated command line. */
function s(line: string, extra: Omit<Step, "args"> = {}): Step {
  return { args: line === "" ? [""] : line.split(" "), ...extra };
}

/** The interactive shell (no arguments) fed `stdin`. */
function shell(stdin: string, extra: Omit<Step, "args" | "stdin"> = {}): Step {
  return { args: [], stdin, ...extra };
}

/** A reset that runs a stock supervisorctl command line. */
function undo(line: string): (d: CtlDaemon) => Promise<void> {
  return async (d) => {
    await d.ctl(line.split(" "));
  };
}

/** Waits until the daemon answers again with `run` RUNNING (after reload). */
async function waitRunning(d: CtlDaemon): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const r = await d.ctl(["status", "run", "echoer"]);
    if (r.code === 0 && r.stdout.split("RUNNING").length === 3) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${d.side}: the daemon did not come back after reload`);
}

const TOPICS = [
  "add avail clear exit fg maintail open pid quit reload remove reread restart shutdown signal start status stop",
  "tail update version help EOF nosuch",
].join(" ").split(" ");

/** Commands that leave the daemon as it was. */
export const STEPS_BASIC: readonly Step[] = [
  ...[
    "status",
    "status all",
    "status run",
    "status run stopped",
    "status nosuch",
    "status stopped nosuch",
    "status grp:*",
    "status grp:",
    "status grp",
    "status nosuch:*",
    "status grp:nosuch",
    "status multi_0",
    "status multi:* run",
    "pid",
    "pid run",
    "pid stopped",
    "pid nosuch",
    "pid all",
    "pid run stopped",
    "version",
    "version x",
    "avail",
    "avail x",
    "reread",
    "reread x",
    "tail echoer",
    "tail -100 echoer",
    "tail -0 echoer",
    "tail echoer stderr",
    "tail -20 echoer STDERR",
    "tail nolog",
    "tail nosuch",
    "tail echoer stdin",
    "tail -x echoer",
    "tail",
    "tail -f",
    "tail a b c d",
    "tail -99999999999 echoer",
    "maintail x",
    "maintail a b",
    "maintail -",
    "help",
    ...TOPICS.map((t) => `help ${t}`),
    "foo bar",
    "",
    "EOF",
    "quit",
    "?pid",
    "!ls",
    "status:x",
    "constructor",
  ].map((line) => s(line)),
];

/** Commands that change state, each followed by a reset where needed. */
export const STEPS_STATE: readonly Step[] = [
  s("start run"),
  s("start stopped", { reset: undo("stop stopped") }),
  s("start stopped stopped", { reset: undo("stop stopped") }),
  s("stop stopped"),
  s("stop run", { reset: undo("start run") }),
  s("restart run"),
  s("restart stopped", { reset: undo("stop stopped") }),
  s("start nocmd"),
  s("start notexec"),
  s("start fatal"),
  s("start nosuch"),
  s("start nosuch:*"),
  s("start grp:nosuch"),
  s("start"),
  s("start grp:*"),
  s("stop grp:*", { sortLines: true, reset: undo("start grp:*") }),
  s("stop nosuch"),
  s("stop nosuch:*"),
  s("stop"),
  s("restart"),
  s("restart nosuch"),
  s("signal"),
  s("signal HUP"),
  s("signal FOO run"),
  s("signal HUP stopped"),
  s("signal HUP nosuch"),
  s("signal HUP nosuch:*"),
  s("signal HUP run"),
  s("signal sighup run"),
  s("signal 1 grp:*"),
  s("signal USR1 all"),
  s("signal HUP run stopped nosuch"),
  s("add run"),
  s("add nosuch"),
  s("add"),
  s("remove nosuch"),
  s("remove run"),
  s("update nosuch"),
  s("update"),
  s("update all"),
  s("open ftp://x"),
  s("open unix://<TMP>/s.sock"),
  s("fg"),
  s("fg a b"),
  s("fg nosuch"),
  s("fg stopped"),
  s("clear nosuch"),
  s("clear grp:*"),
  s("clear"),
];

/** Option, config, connection and URL errors. */
export const STEPS_ERRORS: readonly Step[] = [
  s("-x"),
  s("-s foo status"),
  s("--serverurl=foo status"),
  s("-h"),
  s("-?"),
  s("-s http://a -s http://b status"),
  s("-i -i"),
  s("-c /nonexist pid"),
  s("-c <TMP> pid"),
  s("-c <TMP>/nosec.conf pid"),
  s("-c <TMP>/bad.conf pid"),
  s("-c <TMP>/here.conf pid run"),
  s("--serverurl=unix://<TMP>/s.sock pid run"),
  ...["status", "reread", "shutdown", "version", "avail", "pid", "tail echoer", "start run"].map((c) =>
    s(`-s unix://<TMP>/nosock ${c}`)
  ),
  ...["status", "reread", "shutdown", "update"].map((c) => s(`-s http://127.0.0.1:1 ${c}`)),
  s("-s unix://<TMP>/supervisord.conf status"),
  s("-s unix://<TMP>/supervisord.conf reread"),
  s("-s https://x:1 status"),
  s("-s http://127.0.0.1:99999 status"),
  s("-s http://h:abc status"),
  s("-s foo://bar reread"),
  s("-s http://:9001 status"),
  s("-s http://127.0.0.1:<PORT> status"),
  s("-s http://127.0.0.1:<PORT> reread"),
  s("-s http://127.0.0.1:<PORT> -u user -p 123 status run"),
  s("-s http://127.0.0.1:<PORT> -u user -p bad pid"),
  s("-s http://127.0.0.1:<PORT> -u user status run"),
];

/** The shell, confirmations, streaming, clear and reload. */
export const STEPS_IO: readonly Step[] = [
  shell("pid run\nhelp status\nfoo bar\nstatus:x\n?pid\n\nstart\nquit\npid\n"),
  s("-i", { stdin: "version\n" }),
  s("-c <TMP>/here.conf", { stdin: "pid run\n" }),
  s("-i shutdown", { stdin: "n\n" }),
  s("-i reload", { stdin: "" }),
  s("-i pid run", { stdin: "" }),
  s("tail -f echoer", { interruptWhen: /line 199\n/ }),
  s("tail -f echoer stderr", { interruptWhen: /oops\n/ }),
  s("tail -f nosuch"),
  shell("tail -f echoer stderr\n", { interruptWhen: /oops\n/ }),
  // The stock client needs ~30 s to exit after fg (see the test's module documentation).
  s("fg run", { stdin: "x\n", timeoutMs: 45_000 }),
  s("clear echoer"),
  s("tail echoer"),
  s("reload", { reset: waitRunning }),
];
