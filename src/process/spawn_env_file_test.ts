import assert from "node:assert/strict";
import { FakeRuntime } from "../runtime/fake.ts";
import type { EnvFileSetting } from "../config/env_file.ts";
import { programConfig } from "./_testing.ts";
import { SpawnError } from "./exec_args.ts";
import { type SpawnContext, spawnOptionsFor } from "./spawn_options.ts";

function setup(): { rt: FakeRuntime; ctx: SpawnContext; warned: string[] } {
  const rt = new FakeRuntime({ uid: 0, gid: 0, env: { PATH: "/usr/bin:/bin", D: "daemon", E: "daemon" } });
  rt.fs.seedFile("/bin/app", "", { mode: 0o755 });
  rt.fs.seedFile("/opt/bin/tool", "", { mode: 0o755 });
  const warned: string[] = [];
  const ctx: SpawnContext = {
    env: rt.env(),
    serverurl: null,
    uid: 0,
    passwd: () => [],
    groups: () => [],
    fs: rt.fs,
    readFile: (p) => rt.fs.readFileSync(p),
    envFileWarnings: (name, w) => warned.push(`${name}: ${w.join(" | ")}`),
  };
  return { rt, ctx, warned };
}

function withFiles(files: EnvFileSetting["files"], explicit: string[] = []) {
  return { files, explicit };
}

Deno.test("env_file precedence: daemon env < [supervisord] keys < program files in order < program environment", () => {
  const { rt, ctx } = setup();
  rt.fs.seedFile("/a.env", "E=a\nF=a\nG=a\nS=a\n");
  rt.fs.seedFile("/b.env", "F=b\nG=b\n");
  const proc = programConfig({
    name: "web",
    command: "/bin/app",
    // [supervisord] environment S=sup is merged in at load; G is the program's own environment=.
    environment: { S: "sup", G: "program" },
    env_file: withFiles([{ path: "/a.env", optional: false }, { path: "/b.env", optional: false }], ["G"]),
  });
  const env = spawnOptionsFor(proc, "web", ctx).env;
  assert.deepEqual(
    { D: env.D, E: env.E, F: env.F, G: env.G, S: env.S },
    { D: "daemon", E: "a", F: "b", G: "program", S: "a" },
  );
  assert.equal(env.SUPERVISOR_PROCESS_NAME, "web");
});

Deno.test("env_file is read at every spawn: an edited file is seen by the next spawn", () => {
  const { rt, ctx } = setup();
  rt.fs.seedFile("/s.env", "TOKEN=one\n");
  const proc = programConfig({ command: "/bin/app", env_file: withFiles([{ path: "/s.env", optional: false }]) });
  assert.equal(spawnOptionsFor(proc, "g", ctx).env.TOKEN, "one");
  rt.fs.seedFile("/s.env", "TOKEN=two\n");
  assert.equal(spawnOptionsFor(proc, "g", ctx).env.TOKEN, "two");
});

Deno.test("env_file: a missing file is a spawn error with the spawnerr text; a '-' file may be missing", () => {
  const { ctx } = setup();
  const missing = programConfig({
    command: "/bin/app",
    env_file: withFiles([{ path: "/run/secrets/app.env", optional: false }]),
  });
  assert.throws(() => spawnOptionsFor(missing, "g", ctx), (e) => {
    assert.ok(e instanceof SpawnError);
    assert.equal(e.kind, "EnvFile");
    assert.equal(e.message, "env_file '/run/secrets/app.env': No such file or directory");
    return true;
  });
  const optional = programConfig({
    command: "/bin/app",
    environment: { A: "1" },
    env_file: withFiles([{ path: "/run/secrets/app.env", optional: true }]),
  });
  assert.equal(spawnOptionsFor(optional, "g", ctx).env.A, "1");
});

Deno.test("env_file: a malformed file is a spawn error naming file and line, never a value", () => {
  const { rt, ctx } = setup();
  rt.fs.seedFile("/bad.env", 'A=1\nPASSWORD="hunter2\n');
  const proc = programConfig({ command: "/bin/app", env_file: withFiles([{ path: "/bad.env", optional: false }]) });
  assert.throws(() => spawnOptionsFor(proc, "g", ctx), { message: "env_file /bad.env:2: unterminated double quote" });
});

Deno.test("env_file: a command that cannot be found is reported before an env file problem", () => {
  const { ctx } = setup();
  const proc = programConfig({ command: "nosuch", env_file: withFiles([{ path: "/gone.env", optional: false }]) });
  assert.throws(() => spawnOptionsFor(proc, "g", ctx), (e) => e instanceof SpawnError && e.kind === "NotFound");
});

Deno.test("env_file: a PATH from the file is the program's PATH for the command lookup", () => {
  const { rt, ctx } = setup();
  rt.fs.seedFile("/p.env", "PATH=/opt/bin\n");
  const proc = programConfig({ command: "tool", env_file: withFiles([{ path: "/p.env", optional: false }]) });
  assert.equal(spawnOptionsFor(proc, "g", ctx).path, "/opt/bin/tool");
});

Deno.test("env_file warnings go to the context with the process name, without values", () => {
  const { rt, ctx, warned } = setup();
  rt.fs.seedFile("/w.env", "A-B=secret\nC=x #y\n");
  const proc = programConfig({
    name: "web",
    command: "/bin/app",
    env_file: withFiles([{ path: "/w.env", optional: false }]),
  });
  spawnOptionsFor(proc, "grp", ctx);
  assert.equal(warned.length, 1);
  assert.match(
    warned[0]!,
    /^grp:web: env_file \/w\.env:1: invalid variable name 'A-B', skipped \| env_file \/w\.env:2:/,
  );
  assert.ok(!warned[0]!.includes("secret"));
});
