import { deepEqual, equal, ok, rejects } from "node:assert/strict";
import { ConfigError } from "../config/errors.ts";
import type { ProcessGroupConfig } from "../config/schema.ts";
import { changedProcessValues, programConfig } from "../process/_testing.ts";
import { CHILDLOGDIR, programGroup, settle, testDaemon } from "./_api_testing.ts";
import { configHandlers, groupConfigsEqual, processConfigsEqual } from "./config_api.ts";
import { RpcError } from "./faults.ts";
import { logHandlers } from "./log_api.ts";
import { SupervisorApi } from "./supervisor_api.ts";
import { bindSupervisorMethods } from "./supervisor_methods.ts";

async function fault(p: Promise<unknown>, text: string): Promise<void> {
  await rejects(p, (e: unknown) => {
    ok(e instanceof RpcError, `expected a fault, got ${String(e)}`);
    equal(e.message, text);
    return true;
  });
}

function listener(
  name: string,
  extra: Partial<ProcessGroupConfig & { kind: "eventlistener" }> = {},
): ProcessGroupConfig {
  return {
    kind: "eventlistener",
    name,
    priority: -1,
    processes: [programConfig({ name, command: "/bin/cat", autostart: false, stdout_logfile: "AUTO" })],
    buffer_size: 10,
    events: ["TICK_60"],
    result_handler: "supervisor.dispatchers:default_handler",
    ...extra,
  } as ProcessGroupConfig;
}

/** The groups of the reference run: cat, lis (listener), none, redir. */
function referenceGroups(): ProcessGroupConfig[] {
  return [
    listener("lis"),
    programGroup("cat", [{ command: "/bin/cat", stdout_logfile: "/logs/cat.out", stderr_logfile: "AUTO" }]),
    programGroup("none", [{ command: "/bin/sleep 1000", stdout_logfile: null, stderr_logfile: null, uid: 65534 }]),
    programGroup("redir", [{
      command: "/bin/sleep 1000",
      stdout_logfile: "AUTO",
      redirect_stderr: true,
      directory: "/tmp",
    }]),
  ];
}

Deno.test("[RPC.supervisor.reloadConfig,RPC.configeq] reports added, changed and removed groups as supervisord did", async () => {
  const d = await testDaemon(referenceGroups(), configHandlers);
  // The edit made to the reference config: cat gets startsecs=2, aa (priority 5), nonex and zz appear,
  // none disappears, redir spells out stdout_logfile=AUTO (its default: no change).
  const [lis, cat, , redir] = referenceGroups();
  d.onReread = () => [
    lis!,
    programGroup("aa", [{ command: "/bin/sleep 5" }], 5),
    programGroup("cat", [{ ...cat!.processes[0], startsecs: 2 }]),
    programGroup("nonex", [{ command: "/bin/sleep 1000", stdout_logfile: null }]),
    redir!,
    programGroup("zz", [{ command: "/bin/sleep 5" }]),
  ];
  // Python answered [[['aa', 'nonex', 'zz'], ['cat'], ['none']]] (4.2.5, this config change).
  deepEqual(await d.call("supervisor.reloadConfig"), [[["aa", "nonex", "zz"], ["cat"], ["none"]]]);
  equal(d.sup.groups.size, 4, "nothing is started or stopped");
});

Deno.test("[RPC.supervisor.reloadConfig,FAULT.table] a config error is CANT_REREAD with its message; nothing changes", async () => {
  const d = await testDaemon(referenceGroups(), configHandlers);
  const before = d.configs;
  const message = "program section program:bad does not specify a command in section 'program:bad' (file: 'sv.conf')";
  d.onReread = () => {
    throw new ConfigError(message, "sv.conf");
  };
  await fault(d.call("supervisor.reloadConfig"), `CANT_REREAD: ${message}`);
  equal(d.configs, before);
  d.onReread = () => {
    throw new TypeError("a bug");
  };
  await rejects(d.call("supervisor.reloadConfig"), (e) => !(e instanceof RpcError), "anything else is HTTP 500");
});

Deno.test("[RPC.configeq] every compared option makes a difference; AUTO on either side matches anything", () => {
  const base = programConfig({ stdout_logfile: "/logs/a.out", environment: { A: "1", B: "2" } });
  ok(
    processConfigsEqual(base, programConfig({ ...base, environment: { B: "2", A: "1" } })),
    "dict order is irrelevant",
  );
  const changed = changedProcessValues();
  for (const [key, value] of Object.entries(changed)) {
    ok(!processConfigsEqual(base, { ...base, [key]: value }), `${key} is compared`);
  }
  ok(!processConfigsEqual(programConfig({ exitcodes: [0, 2] }), programConfig({ exitcodes: [2, 0] })), "list order");
  ok(processConfigsEqual(base, { ...base, stdout_logfile: "AUTO" }), "AUTO on the new side");
  ok(processConfigsEqual({ ...base, stderr_logfile: "AUTO" }, base), "AUTO on the old side");
  ok(!processConfigsEqual(base, { ...base, stdout_logfile: null }), "NONE is a value");
});

Deno.test("[RPC.configeq] groups compare kind, name, priority and processes; pools and fcgi their own settings", () => {
  const g = programGroup("g", [{ name: "a" }, { name: "b" }]);
  ok(groupConfigsEqual(g, programGroup("g", [{ name: "a" }, { name: "b" }])));
  ok(!groupConfigsEqual(g, programGroup("g", [{ name: "b" }, { name: "a" }])), "process order");
  ok(!groupConfigsEqual(g, programGroup("g", [{ name: "a" }])), "process count");
  ok(!groupConfigsEqual(g, programGroup("g", [{ name: "a" }, { name: "b" }], 1)), "priority");
  ok(
    !groupConfigsEqual(g, {
      ...g,
      kind: "fcgi-program",
      socket: { family: "inet", host: "h", port: 1, backlog: null },
    }),
  );
  ok(groupConfigsEqual(listener("l"), listener("l")));
  ok(!groupConfigsEqual(listener("l"), listener("l", { buffer_size: 11 })), "buffer_size");
  ok(!groupConfigsEqual(listener("l"), listener("l", { events: ["TICK_5"] })), "events");
  ok(!groupConfigsEqual(listener("l"), listener("l", { result_handler: "x:y" })), "result_handler");
  const unix = (path: string, mode: number): ProcessGroupConfig => ({
    ...g,
    kind: "fcgi-program",
    socket: { family: "unix", path, owner: null, mode, backlog: null },
  });
  ok(groupConfigsEqual(unix("/s", 0o700), unix("/s", 0o777)), "only the socket URL counts");
  ok(!groupConfigsEqual(unix("/s", 0o700), unix("/t", 0o700)), "socket URL");
  const tcp = (host: string): ProcessGroupConfig => ({
    ...g,
    kind: "fcgi-program",
    socket: { family: "inet", host, port: 9000, backlog: null },
  });
  ok(groupConfigsEqual(tcp("LocalHost"), tcp("localhost")), "the URL's host is lower-cased");
});

Deno.test("[RPC.supervisor.addProcessGroup,FAULT.table] activates a known config; BAD_NAME when unknown, ALREADY_ADDED when active", async () => {
  const d = await testDaemon([programGroup("a")], configHandlers);
  d.configs = [...d.configs, programGroup("b")];
  await fault(d.call("supervisor.addProcessGroup", "nosuch"), "BAD_NAME: nosuch");
  await fault(d.call("supervisor.addProcessGroup", 5), "BAD_NAME: 5");
  await fault(d.call("supervisor.addProcessGroup", "a"), "ALREADY_ADDED: a");
  equal(await d.call("supervisor.addProcessGroup", "b"), true);
  equal(d.sup.groups.get("b")?.config, d.configs[1]);
});

Deno.test("[RPC.supervisor.removeProcessGroup,FAULT.table] drops a stopped group; BAD_NAME when not active, STILL_RUNNING otherwise", async () => {
  const d = await testDaemon([programGroup("a"), programGroup("b")], configHandlers);
  await fault(d.call("supervisor.removeProcessGroup", "nosuch"), "BAD_NAME: nosuch");
  await fault(d.call("supervisor.removeProcessGroup", 5), "BAD_NAME: 5");
  d.start("a");
  await fault(d.call("supervisor.removeProcessGroup", "a"), "STILL_RUNNING: a");
  equal(await d.call("supervisor.removeProcessGroup", "b"), true);
  ok(!d.sup.groups.has("b"));
  await fault(d.call("supervisor.removeProcessGroup", "b"), "BAD_NAME: b");
  await fault(d.call("supervisor.addProcessGroup", "nosuch"), "BAD_NAME: nosuch");
  equal(await d.call("supervisor.addProcessGroup", "b"), true, "its config is still known");
});

Deno.test("[RPC.supervisor.getAllConfigInfo,RPC.struct.configinfo] the struct supervisord returns, member for member", async () => {
  const d = await testDaemon(referenceGroups(), configHandlers);
  const all = await d.call("supervisor.getAllConfigInfo") as Array<Record<string, unknown>>;
  deepEqual(all.map((c) => c.name), ["cat", "lis", "none", "redir"], "sorted by name");
  const [cat, lis, none, redir] = all;
  const auto = (name: string, ch: string) => d.proc(name).output?.logfile(ch as "stdout") ?? "";
  ok(auto("cat", "stderr").startsWith(`${CHILDLOGDIR}/cat-stderr---test-`));
  // The cat entry of the reference run (4.2.5), in wire order, with our AUTO name.
  deepEqual(Object.entries(cat!), [
    ["autostart", false],
    ["directory", "none"],
    ["uid", "none"],
    ["command", "/bin/cat"],
    ["exitcodes", [0]],
    ["group", "cat"],
    ["group_prio", 999],
    ["inuse", true],
    ["killasgroup", false],
    ["name", "cat"],
    ["process_prio", 999],
    ["redirect_stderr", false],
    ["startretries", 3],
    ["startsecs", 1],
    ["stdout_capture_maxbytes", 0],
    ["stdout_events_enabled", false],
    ["stdout_logfile", "/logs/cat.out"],
    ["stdout_logfile_backups", 10],
    ["stdout_logfile_maxbytes", 52428800],
    ["stdout_syslog", false],
    ["stopsignal", 15],
    ["stopwaitsecs", 10],
    ["stderr_capture_maxbytes", 0],
    ["stderr_events_enabled", false],
    ["stderr_logfile", auto("cat", "stderr")],
    ["stderr_logfile_backups", 10],
    ["stderr_logfile_maxbytes", 52428800],
    ["stderr_syslog", false],
    ["serverurl", "none"],
  ]);
  equal(lis!.group_prio, -1);
  equal(lis!.stdout_logfile, auto("lis", "stdout"));
  deepEqual([none!.stdout_logfile, none!.stderr_logfile, none!.uid], ["none", "none", 65534]);
  deepEqual([redir!.stdout_logfile, redir!.stderr_logfile, redir!.directory], [
    auto("redir", "stdout"),
    "none",
    "/tmp",
  ]);
});

Deno.test("[RPC.supervisor.getAllConfigInfo,RPC.struct.configinfo] covers the known configs: inuse, and 'auto' until a config object is activated", async () => {
  const d = await testDaemon([programGroup("b", [{ stdout_logfile: "AUTO", serverurl: "AUTO" }])], configHandlers);
  const fresh =
    () => [programGroup("b", [{ stdout_logfile: "AUTO" }]), programGroup("a", [{ stdout_logfile: "AUTO" }])];
  const view = async () =>
    (await d.call("supervisor.getAllConfigInfo") as Array<Record<string, unknown>>).map((c) =>
      `${c.name} ${c.inuse} ${String(c.stdout_logfile).replace(/---test-.*/, "---test-X")}`
    );
  deepEqual(await view(), [`b true ${CHILDLOGDIR}/b-stdout---test-X`]);
  d.onReread = fresh;
  await d.call("supervisor.reloadConfig");
  deepEqual(await view(), ["a false auto", "b true auto"], "after a reread every config object is new");
  await d.call("supervisor.addProcessGroup", "a");
  deepEqual(await view(), [`a true ${CHILDLOGDIR}/a-stdout---test-X`, "b true auto"]);
});

Deno.test("[RPC.supervisor.getAllConfigInfo] the sort is by process name only, and stable", async () => {
  const d = await testDaemon([
    programGroup("g2", [{ name: "x", command: "/bin/second" }], 2),
    programGroup("g1", [{ name: "x", command: "/bin/first" }, { name: "a" }], 1),
  ], configHandlers);
  d.configs = [d.configs[1]!, d.configs[0]!]; // config order: (priority, name)
  const all = await d.call("supervisor.getAllConfigInfo") as Array<Record<string, unknown>>;
  deepEqual(all.map((c) => `${c.group}:${c.name}:${c.command}`), [
    "g1:a:/bin/g1",
    "g1:x:/bin/first",
    "g2:x:/bin/second",
  ]);
});

Deno.test("[FAULT.shutdown] the config methods are SHUTDOWN_STATE while stopping", async () => {
  const d = await testDaemon([programGroup("a")], configHandlers);
  d.sup.shutdown();
  await settle();
  for (
    const [method, ...params] of [["supervisor.reloadConfig"], ["supervisor.getAllConfigInfo"], [
      "supervisor.addProcessGroup",
      "a",
    ], ["supervisor.removeProcessGroup", "a"]]
  ) {
    await fault(d.call(method!, ...params), "SHUTDOWN_STATE");
  }
});

Deno.test("[RPC.system.listMethods] with the control methods, the log and config handlers cover every published method", async () => {
  const d = await testDaemon([programGroup("a")], () => ({}));
  const parts = [new SupervisorApi(d.ctx).handlers(), logHandlers(d.ctx), configHandlers(d.ctx)];
  const handlers = Object.assign({}, ...parts);
  equal(parts.reduce((n, p) => n + Object.keys(p).length, 0), 32, "no method has two handlers");
  equal(bindSupervisorMethods(handlers).length, 37, "no method is left without a handler (aliases included)");
});
