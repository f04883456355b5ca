import { deepEqual, equal, match, ok } from "node:assert/strict";
import { ProcessState } from "../process/states.ts";
import { programGroup, settle, type TestDaemon, testDaemon } from "../rpc/_api_testing.ts";
import { FakeRuntime } from "../runtime/fake.ts";
import { fileLogSource } from "../logging/log_source.ts";
import { completeUtf8Length, readLogChunk } from "./_ui_data.ts";
import { createUiHandler } from "./ui.ts";
import { installHealthChecks } from "../health/health_checks.ts";
import { UI_SCRIPT } from "./ui_assets.ts";

const TOKEN = "t0k3n";
const BASE = "http://127.0.0.1:9001";

/** `web` (stdout/stderr to /logs), group `grp` with a and b, and `idle`; all startsecs=0. */
async function daemon(): Promise<TestDaemon & { ui: (req: Request) => Promise<Response> }> {
  const d = await testDaemon([
    programGroup("web", [{ startsecs: 0, stdout_logfile: "/logs/web.out", stderr_logfile: "/logs/web.err" }]),
    programGroup("grp", [{ name: "a", startsecs: 0 }, { name: "b", startsecs: 0 }]),
    programGroup("idle", [{ startsecs: 0 }]),
  ], () => ({}));
  d.rt.killExits = true;
  const ui = createUiHandler(d.ctx, { token: TOKEN });
  return Object.assign(d, { ui });
}

const get = (path: string, headers: Record<string, string> = {}) => new Request(BASE + path, { headers });

function post(fields: Record<string, string>, headers: Record<string, string> = {}): Request {
  return new Request(`${BASE}/index.html`, {
    method: "POST",
    body: new URLSearchParams(fields).toString(),
    headers: { "Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin", ...headers },
  });
}

const json = { Accept: "application/json" };

/** Starts a process and lets startsecs=0 make it RUNNING. */
function running(d: TestDaemon, group: string, name = group) {
  const child = d.start(group, name);
  d.proc(group, name).transition(d.rt.clock.monotonic());
  return child;
}

/** Awaits `p` while moving the manual clock on (group and all actions poll every 50 ms). */
async function pump<T>(d: TestDaemon, p: Promise<T>): Promise<T> {
  let done = false;
  const watched = p.finally(() => done = true);
  for (let i = 0; i < 1000 && !done; i++) {
    await settle();
    if (!done) d.rt.clock.advance(50);
  }
  return await watched;
}

async function text(res: Response | Promise<Response>): Promise<string> {
  return await (await res).text();
}

Deno.test("[WEB.index] the status page lists every process sorted by group and name, with state, description, pid and uptime", async () => {
  const d = await daemon();
  const child = running(d, "web");
  d.rt.clock.advance(65_000);
  const res = await d.ui(get("/"));
  equal(res.status, 200);
  equal(res.headers.get("content-type"), "text/html;charset=utf-8");
  match(res.headers.get("cache-control") ?? "", /no-cache/);
  equal(res.headers.get("pragma"), "no-cache");
  match(res.headers.get("content-security-policy") ?? "", /script-src 'self'.*frame-ancestors 'none'/);
  const html = await res.text();
  const order = [...html.matchAll(/<tr data-ns="([^"]+)"/g)].map((m) => m[1]);
  deepEqual(order, ["grp:a", "grp:b", "idle", "web"]);
  ok(html.includes(`<tr class="group-row" data-ns="grp:*">`), "a group of two gets a header row");
  const row = html.slice(html.indexOf('<tr data-ns="web"'));
  match(row, /<span class="state tone-ok" data-f="statename">running<\/span>/);
  match(row, new RegExp(`pid ${child.pid}, uptime 0:01:05`));
  match(row, new RegExp(`data-f="pid">${child.pid}<`));
  match(row, /data-f="uptime">0:01:05</);
  match(row, /href="tail.html\?processname=web"/);
  ok(/value="stop" aria-label="Stop web">/.test(row) && /value="start" aria-label="Start web" hidden>/.test(row));
  equal(await text(d.ui(get("/index.html"))), html);
});

Deno.test("the status page marks essential and shutdown_on_exit programs beside the name", async () => {
  const d = await testDaemon([
    programGroup("web", [{ startsecs: 0, essential: true }]),
    programGroup("job", [{ startsecs: 0, shutdown_on_exit: true }]),
    programGroup("plain", [{ startsecs: 0 }]),
  ], () => ({}));
  const html = await text(createUiHandler(d.ctx, { token: TOKEN })(get("/")));
  const row = (ns: string) => html.slice(html.indexOf(`<tr data-ns="${ns}"`)).split("</tr>")[0]!;
  match(row("web"), /<\/a> <span class="flag" title="[^"]+">essential<\/span><\/td>/);
  match(row("job"), /<span class="flag" [^>]*>shutdown on exit<\/span>/);
  equal(row("plain").includes('class="flag"'), false);
});

Deno.test("[EXT.health.ui] the status page shows a health badge beside a checked program only", async () => {
  const check = {
    probe: { kind: "tcp" as const, host: "127.0.0.1", port: 1 },
    interval: 10,
    timeout: 1,
    initial_delay: 0,
    start_period: 0,
    start_interval: 1,
    retries: 3,
    successes: 1,
    action: "none" as const,
    expect: [[0, 0]] as Array<[number, number]>,
    body: null,
    tls_verify: true,
  };
  const d = await testDaemon([
    programGroup("web", [{ startsecs: 0, healthcheck: check }]),
    programGroup("plain", [{ startsecs: 0 }]),
  ], () => ({}));
  installHealthChecks(d.ctx.supervisor, { run: () => new Promise(() => {}) });
  const html = await text(createUiHandler(d.ctx, { token: TOKEN })(get("/")));
  const row = (ns: string) => html.slice(html.indexOf(`<tr data-ns="${ns}"`)).split("</tr>")[0]!;
  match(row("web"), /<span class="flag health" title="Health check" data-f="health">starting<\/span><\/td>/);
  equal(row("plain").includes('data-f="health"'), false);
  ok(UI_SCRIPT.includes('setField(root, "health", item.health)'), "the badge follows the live data");
});

Deno.test("[WEB.index] HEAD answers the headers only; without processes the page says No programs to manage", async () => {
  const d = await testDaemon([], () => ({}));
  const ui = createUiHandler(d.ctx, { token: TOKEN });
  const head = await ui(new Request(`${BASE}/`, { method: "HEAD" }));
  equal(head.status, 200);
  equal(head.body, null);
  ok(Number(head.headers.get("content-length")) > 0);
  match(await text(ui(get("/"))), /No programs to manage/);
});

Deno.test("an old ?action= GET link changes nothing and shows a confirmation form instead (deliberately unlike supervisord, which acts)", async () => {
  const d = await daemon();
  d.start("web");
  const html = await text(d.ui(get("/index.html?action=stop&processname=web")));
  equal(d.proc("web").state, ProcessState.RUNNING);
  match(html, /<h1 id="confirm-h">Stop web\?<\/h1>/);
  match(html, /<form method="post" action="index.html"><input type="hidden" name="csrf" value="t0k3n">/);
  match(html, /name="processname" value="web">/);
  match(html, /name="action" value="stop" autofocus>Stop web<\/button>/);
  match(await text(d.ui(get("/?action=stopall"))), /Stop all processes\?/);
  match(await text(d.ui(get("/?action=start&processname=grp:*"))), /Start group grp\?/);
  match(await text(d.ui(get("/?action=explode"))), /class="message error"[^>]*>Unknown action explode</);
});

Deno.test("POST actions need the page's token and, when the browser tells, the same origin", async () => {
  const d = await daemon();
  d.start("web");
  const stop = { action: "stop", processname: "web" };
  const noToken = await d.ui(post(stop));
  equal(noToken.status, 403);
  match(await noToken.text(), /out of date/);
  equal((await d.ui(post({ ...stop, csrf: "wrong" }))).status, 403);
  equal((await d.ui(post({ ...stop, csrf: TOKEN }, { "Sec-Fetch-Site": "cross-site" }))).status, 403);
  const foreignOrigin = post({ ...stop, csrf: TOKEN }, { Origin: "http://evil.example" });
  foreignOrigin.headers.delete("sec-fetch-site");
  equal((await d.ui(foreignOrigin)).status, 403);
  const wrongType = new Request(`${BASE}/`, { method: "POST", body: `{"action":"stop"}`, headers: json });
  equal((await d.ui(wrongType)).status, 415);
  equal(d.proc("web").state, ProcessState.RUNNING, "no refused request stopped it");
  const sameOrigin = post({ ...stop, csrf: TOKEN }, { Origin: BASE });
  sameOrigin.headers.delete("sec-fetch-site");
  equal((await d.ui(sameOrigin)).status, 303);
  equal(d.proc("web").state, ProcessState.STOPPED);
});

Deno.test("[WEB.actions] a form POST acts, then redirects (303) to the page with supervisord's message", async () => {
  const d = await daemon();
  const res = await d.ui(post({ action: "start", processname: "web", csrf: TOKEN }));
  equal(res.status, 303);
  equal(res.headers.get("location"), "index.html?message=Process%20web%20started");
  equal(d.proc("web").state, ProcessState.RUNNING);
  const html = await text(d.ui(get("/index.html?message=Process%20web%20started")));
  match(html, /<p id="message" class="message ok" role="status" aria-live="polite">Process web started<\/p>/);
  const back = await d.ui(post({ action: "stop", processname: "web", csrf: TOKEN, return: "tail" }));
  equal(back.headers.get("location"), "tail.html?processname=web&message=Process%20web%20stopped");
});

Deno.test("[WEB.actions] JSON answers for the page script: start, stop, restart, errors and unknown names", async () => {
  const d = await daemon();
  const act = async (action: string, processname = "web") =>
    await (await d.ui(post({ action, processname, csrf: TOKEN }, json))).json();
  deepEqual(await act("start"), { ok: true, message: "Process web started" });
  deepEqual(await act("start"), { ok: false, message: "ERROR: Process web: already started" });
  const firstPid = d.proc("web").pid;
  deepEqual(await act("restart"), { ok: true, message: "Process web restarted" });
  ok(d.proc("web").pid !== firstPid, "restart made a new child");
  deepEqual(await act("stop"), { ok: true, message: "Process web stopped" });
  deepEqual(await act("stop"), { ok: false, message: "ERROR: Process web: not running" });
  deepEqual(await act("restart"), { ok: true, message: "Process web restarted" }, "restart starts a stopped process");
  deepEqual(await act("start", "nosuch"), { ok: false, message: "No such process named nosuch" });
  deepEqual(await act("start", "grp:nosuch"), { ok: false, message: "No such process named grp:nosuch" });
  const bad = await d.ui(post({ action: "explode", processname: "web", csrf: TOKEN }, json));
  equal(bad.status, 400);
  deepEqual(await bad.json(), { ok: false, message: "ERROR: Unknown action explode" });
});

Deno.test("[WEB.actions] groups (group:*) and everything at once", async () => {
  const d = await daemon();
  const act = async (action: string, processname = "") =>
    await (await pump(d, d.ui(post({ action, processname, csrf: TOKEN }, json)))).json() as {
      ok: boolean;
      message: string;
    };
  deepEqual(await act("start", "grp:*"), { ok: true, message: "Group grp started" });
  equal(d.proc("grp", "a").state, ProcessState.RUNNING);
  equal(d.proc("grp", "b").state, ProcessState.RUNNING);
  equal(d.proc("web").state, ProcessState.STOPPED);
  deepEqual(await act("stop", "grp:*"), { ok: true, message: "Group grp stopped" });
  equal(d.proc("grp", "b").state, ProcessState.STOPPED);
  const started = await act("startall");
  ok(started.ok);
  match(started.message, /^All started at \w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}$/);
  for (const [g, n] of [["grp", "a"], ["grp", "b"], ["idle", "idle"], ["web", "web"]]) {
    equal(d.proc(g!, n).state, ProcessState.RUNNING, `${g}:${n}`);
  }
  match((await act("restartall")).message, /^All restarted at /);
  match((await act("stopall")).message, /^All stopped at /);
  equal(d.proc("idle").state, ProcessState.STOPPED);
  match((await act("refresh")).message, /^Page refreshed at /);
});

Deno.test("[WEB.actions] a start that fails reports supervisord's reason", async () => {
  const d = await daemon();
  d.rt.spawnError = new Error("boom");
  const out = await (await d.ui(post({ action: "start", processname: "web", csrf: TOKEN }, json))).json();
  equal(out.ok, false);
  match(out.message, /^ERROR: Process web: (spawn error|abnormal termination)$/);
});

Deno.test("[WEB.actions] clear log empties the process's log files", async () => {
  const d = await daemon();
  d.rt.fs.seedFile("/logs/web.out", "old stdout\n");
  d.rt.fs.seedFile("/logs/web.err", "old stderr\n");
  const out = await (await d.ui(post({ action: "clearlog", processname: "web", csrf: TOKEN }, json))).json();
  deepEqual(out, { ok: true, message: "Log for web cleared" });
  equal(d.rt.fs.text("/logs/web.out"), "");
  equal(d.rt.fs.text("/logs/web.err"), "");
});

Deno.test("[WEB.tail] the tail page shows both logs, escaped, at least 1024 bytes; unknown or missing names are errors", async () => {
  const d = await daemon();
  d.rt.fs.seedFile("/logs/web.out", "x".repeat(5000) + "<script>alert(1)</script>\nlast line\n");
  d.rt.fs.seedFile("/logs/web.err", "warning: disk & cpu\n");
  const html = await text(d.ui(get("/tail.html?processname=web&limit=10")));
  match(html, /<title>Supervisor tail of process web<\/title>/);
  const stdout = /data-channel="stdout" data-cursor="(\d+)-(\d+)"[^>]*>\n([^<]*)<\/pre>/.exec(html);
  ok(stdout !== null, "a stdout pane with a cursor");
  equal(Number(stdout[2]), 5000 + 36, "the cursor is at the end of the file");
  equal(
    stdout[3]!.length - "&#60;script&#62;alert(1)&#60;/script&#62;".length + "<script>alert(1)</script>".length,
    1024,
  );
  ok(stdout[3]!.endsWith("&#60;script&#62;alert(1)&#60;/script&#62;\nlast line\n"));
  match(
    html,
    /data-channel="stderr"[^>]*>\nwarning: disk &#38; cpu\n<\/pre>/,
    "a newline after <pre>, which HTML drops, so the log's own first newline stays",
  );
  match(html, /href="logtail\/web\/stderr">raw stream/);
  equal((await d.ui(get("/tail.html?processname=nosuch"))).status, 404);
  match(await text(d.ui(get("/tail.html"))), /No process name found/);
  const idle = await text(d.ui(get("/tail.html?processname=grp:a")));
  match(idle, /data-missing="1"[^>]*>\nNo stdout log file for grp:a</);
});

Deno.test("ui/tail.json continues from the cursor, flags a cleared log, and reports skipped bytes", async () => {
  const d = await daemon();
  d.rt.fs.seedFile("/logs/web.out", "one\n");
  const tail = async (cursor: string) =>
    await (await d.ui(get(`/ui/tail.json?processname=web&stdout=${cursor}`))).json();
  const first = await tail("");
  equal(first.stdout.text, "one\n");
  equal(first.stderr, undefined, "only the channels asked for");
  equal(first.process.statename, "STOPPED");
  equal(first.csrf, TOKEN);
  const file = d.rt.fs.openWriteSync("/logs/web.out", "append");
  file.write(new TextEncoder().encode("two\n"));
  const second = await tail(first.stdout.cursor);
  deepEqual({ text: second.stdout.text, reset: second.stdout.reset }, { text: "two\n", reset: false });
  equal((await tail(second.stdout.cursor)).stdout.text, "", "nothing new");
  d.rt.fs.unlinkSync("/logs/web.out");
  d.rt.fs.seedFile("/logs/web.out", "fresh\n");
  const third = await tail(second.stdout.cursor);
  deepEqual({ text: third.stdout.text, reset: third.stdout.reset }, { text: "fresh\n", reset: true });
  d.rt.fs.seedFile("/logs/web.out", "z".repeat(300 * 1024));
  const big = await tail("");
  equal(big.stdout.text.length, 256 * 1024);
  const [ino] = big.stdout.cursor.split("-");
  const skipped = await tail(`${ino}-0`);
  equal(skipped.stdout.skipped, 300 * 1024 - 256 * 1024);
  equal((await d.ui(get("/ui/tail.json?processname=nosuch"))).status, 404);
});

Deno.test("readLogChunk() never splits a UTF-8 character", async () => {
  const rt = new FakeRuntime();
  const euro = "€"; // 3 bytes
  const bytes = new TextEncoder().encode(`a${euro}${euro}`);
  rt.fs.seedFile("/l", bytes.slice(0, 5)); // "a", one euro, and the first byte of the next
  const first = await readLogChunk(fileLogSource(rt.fs, "/l"), "", 100);
  equal(first.text, `a${euro}`);
  rt.fs.seedFile("/l", bytes);
  const ino = rt.fs.statSync("/l")!.ino;
  const next = await readLogChunk(fileLogSource(rt.fs, "/l"), `${ino}-4`, 100);
  deepEqual([next.text, next.reset], [euro, false]);
  const window = await readLogChunk(fileLogSource(rt.fs, "/l"), "", 4); // starts inside the first euro
  equal(window.text, euro);
  equal(completeUtf8Length(new Uint8Array([0x61, 0xe2, 0x82])), 1);
  equal(completeUtf8Length(new Uint8Array([0x61, 0xe2, 0x82, 0xac])), 4);
  equal((await readLogChunk(fileLogSource(rt.fs, "/nope"), "", 10)).missing, true);
});

Deno.test("ui/status.json carries every process, its actions and the form token", async () => {
  const d = await daemon();
  running(d, "web");
  const data = await (await d.ui(get("/ui/status.json"))).json();
  equal(data.csrf, TOKEN);
  equal(data.statename, "RUNNING");
  deepEqual(data.groups.map((g: { name: string; header: boolean }) => [g.name, g.header]), [
    ["grp", true],
    ["idle", false],
    ["web", false],
  ]);
  const web = data.groups[2].processes[0];
  deepEqual([web.namespec, web.statename, web.tone, web.actions], ["web", "RUNNING", "ok", [
    "stop",
    "restart",
    "clearlog",
  ]]);
  deepEqual(data.groups[0].actions, ["start", "restart", "clearlog"]);
});

Deno.test("[WEB.ok] ok.html, the assets, and 404/400 for anything else", async () => {
  const d = await daemon();
  equal(await text(d.ui(get("/ok.html"))), "OK");
  const css = await d.ui(get("/ui/app.css"));
  equal(css.headers.get("content-type"), "text/css;charset=utf-8");
  equal((await d.ui(get("/ui/app.js"))).headers.get("content-type"), "text/javascript;charset=utf-8");
  equal((await d.ui(get("/ui/icon.svg"))).headers.get("content-type"), "image/svg+xml");
  equal((await d.ui(get("/nosuch.html"))).status, 404);
  equal((await d.ui(new Request(`${BASE}/tail.html`, { method: "PUT" }))).status, 400);
  new Function(UI_SCRIPT); // throws SyntaxError when the script does not parse
});

Deno.test("messages and names from the URL are escaped", async () => {
  const d = await daemon();
  const html = await text(d.ui(get(`/?message=${encodeURIComponent('<img src=x onerror="alert(1)">')}`)));
  ok(!html.includes("<img src=x"));
  match(html, /&#60;img src=x onerror=&#34;alert\(1\)&#34;&#62;/);
  const confirm = await text(d.ui(get(`/?action=stop&processname=${encodeURIComponent('"><b>x')}`)));
  ok(!confirm.includes('"><b>x'));
  await settle();
});
