/**
 * Tests of service_file.ts: the systemd unit and the launchd plist, and the
 * command line of `supervisord service-file`.
 * @module
 */

import assert from "node:assert/strict";
import { launchdPlist, runServiceFile, systemdUnit } from "./service_file.ts";
import { cliHostOf, runCli } from "./main.ts";
import { FakeRuntime } from "./runtime/fake.ts";

function capture(selfCommand: string[], cwd = "/srv") {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    host: { selfCommand, cwd, stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t) },
  };
}

Deno.test("systemd: Type=notify, the binary in the foreground with -c, reload through ctl, Debian's kill and restart rules", () => {
  const unit = systemdUnit(["/usr/local/bin/supervisord"], "/etc/supervisord.conf");
  const service = unit.slice(unit.indexOf("[Service]"), unit.indexOf("[Install]"));
  assert.deepEqual(service.trim().split("\n"), [
    "[Service]",
    "Type=notify",
    "NotifyAccess=main",
    "ExecStart=/usr/local/bin/supervisord -n -c /etc/supervisord.conf",
    "ExecReload=/usr/local/bin/supervisord ctl -c /etc/supervisord.conf reload",
    "KillMode=process",
    "Restart=on-failure",
    "RestartSec=5s",
  ]);
  assert.match(unit, /^\[Unit\]\n/);
  assert.match(unit, /\[Install\]\nWantedBy=multi-user\.target\n$/);
  assert.match(
    systemdUnit(["/opt/my tools/supervisord"], "/etc/a b.conf"),
    /ExecStart="\/opt\/my tools\/supervisord" -n -c "\/etc\/a b\.conf"/,
  );
});

Deno.test("launchd: ProgramArguments with -n -c, RunAtLoad, KeepAlive unless it exited successfully", () => {
  const plist = launchdPlist(["/opt/homebrew/bin/supervisord"], "/opt/homebrew/etc/supervisord.conf");
  assert.match(plist, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<!DOCTYPE plist /);
  const lines = (...l: string[]) => l.join("\n");
  assert.ok(
    plist.includes(lines(
      "<key>ProgramArguments</key>",
      "  <array>",
      "    <string>/opt/homebrew/bin/supervisord</string>",
      "    <string>-n</string>",
      "    <string>-c</string>",
      "    <string>/opt/homebrew/etc/supervisord.conf</string>",
      "  </array>",
    )),
    plist,
  );
  assert.ok(plist.includes(lines("<key>RunAtLoad</key>", "  <true/>")), plist);
  assert.ok(
    plist.includes(
      lines("<key>KeepAlive</key>", "  <dict>", "    <key>SuccessfulExit</key>", "    <false/>", "  </dict>"),
    ),
    plist,
  );
  assert.match(launchdPlist(["/a&b/<s>"], "/c"), /<string>\/a&amp;b\/&lt;s&gt;<\/string>/);
});

Deno.test("service-file: -c is made absolute against the working directory; the default is /etc/supervisord.conf", () => {
  const a = capture(["/usr/bin/supervisord"]);
  assert.equal(runServiceFile(["systemd", "-c", "conf/supervisord.conf"], a.host), 0);
  assert.match(a.out.join(""), /ExecStart=\/usr\/bin\/supervisord -n -c \/srv\/conf\/supervisord\.conf\n/);
  const b = capture(["/usr/bin/supervisord"]);
  assert.equal(runServiceFile(["launchd"], b.host), 0);
  assert.match(b.out.join(""), /<string>\/etc\/supervisord\.conf<\/string>/);
});

Deno.test("service-file: an unknown manager, a stray argument or none is a usage error (exit 2)", () => {
  for (const args of [["upstart"], [], ["systemd", "-x"]]) {
    const c = capture(["/usr/bin/supervisord"]);
    assert.equal(runServiceFile(args, c.host), 2, args.join(" "));
    assert.equal(c.out.length, 0);
    assert.match(c.err.join(""), /Usage: supervisord service-file systemd\|launchd \[-c FILE\]/);
  }
});

Deno.test("the binary's command line: supervisord service-file systemd prints the unit for the running binary", async () => {
  const rt = new FakeRuntime({ cwd: "/etc" });
  const code = await runCli(["service-file", "systemd", "-c", "supervisord.conf"], cliHostOf(rt), () => {
    throw new Error("the daemon must not start");
  });
  assert.equal(code, 0);
  assert.match(rt.stdoutText(), /ExecStart=\/usr\/local\/bin\/supervisord -n -c \/etc\/supervisord\.conf\n/);
});
