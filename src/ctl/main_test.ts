import assert from "node:assert/strict";
import { type CliHost, cliHostOf, runCli } from "../main.ts";
import { fakeRuntime, serveStub } from "./_testing.ts";

const noDaemon = () => Promise.reject(new Error("the daemon must not start"));

Deno.test("[CTL.mode] `supervisord ctl …` runs the client: usage names `<argv0> ctl`", async () => {
  const rt = fakeRuntime();
  const code = await runCli(["ctl", "-h"], cliHostOf(rt), noDaemon);
  assert.equal(code, 0);
  assert.ok(rt.stdoutText().includes("Usage: supervisord ctl [options] [action [arguments]]\n"), rt.stdoutText());
  assert.equal(await runCli(["ctl", "-x"], cliHostOf(rt), noDaemon), 2);
  assert.equal(rt.stderrText(), "Error: option -x not recognized\nFor help, use supervisord ctl -h\n");
});

Deno.test("[CTL.mode] `supervisord ctl <command>` talks to the server and exits with the command's status", async () => {
  const rt = fakeRuntime();
  await serveStub(rt, { "supervisor.getPID": () => 99 });
  assert.equal(await runCli(["ctl", "-s", "unix:///run/s.sock", "pid"], cliHostOf(rt), noDaemon), 0);
  assert.equal(rt.stdoutText(), "99\n");
});

Deno.test("[CTL.mode] a binary invoked as supervisorctl is the client; ctl is passed the whole command line", async () => {
  const seen: Array<[readonly string[], string, string]> = [];
  const host = {
    argv0: "/usr/local/bin/supervisorctl",
    ctl: (args: readonly string[], how: { progname: string; argv0: string }) => {
      seen.push([args, how.progname, how.argv0]);
      return Promise.resolve(7);
    },
  } as unknown as CliHost;
  assert.equal(await runCli(["status", "ctl"], host, noDaemon), 7);
  assert.deepEqual(seen, [[["status", "ctl"], "/usr/local/bin/supervisorctl", "/usr/local/bin/supervisorctl"]]);
});
