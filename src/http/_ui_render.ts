/**
 * The web UI's HTML: the status page (every process, its state and its
 * buttons), the tail page (stdout and stderr of one process), the
 * confirmation page shown for supervisord's old `?action=` links, and
 * error pages. Everything works without JavaScript: the buttons are plain
 * POST forms; the script in ui_assets.ts only makes the page live.
 *
 * Every value that comes from configuration, processes or the request is
 * escaped; the pages load their style and script from `ui/` by relative
 * URLs, so the UI also works behind a reverse proxy under a path prefix.
 *
 * Python counterpart: supervisor/web.py (`StatusView`, `TailView`) and the
 * templates supervisor/ui/status.html and supervisor/ui/tail.html.
 * @module
 */

import { ASSET_VERSION, ICON_SVG } from "./ui_assets.ts";
import type { UiAction } from "./_ui_actions.ts";
import {
  stateTone,
  TARGET_ACTIONS,
  type TargetAction,
  type UiGroup,
  type UiProcess,
  type UiSnapshot,
} from "./_ui_data.ts";

/** HTML-escapes text for element content and quoted attribute values. */
export function esc(s: string | number): string {
  return String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** `encodeURIComponent`, for a query value inside an href. */
const q = (s: string) => encodeURIComponent(s);

/** The header line facts about supervisord. */
export interface PageFrame {
  identification: string;
  version: string;
  statename: string;
  pid: number;
  /** Four-digit year for the footer. */
  year: number;
}

/** Per-page settings the script reads from `<body data-…>`. */
type BodyData = Record<string, string>;

/** The document around a page's content. */
export function page(frame: PageFrame, title: string, data: BodyData, content: string): string {
  const attrs = Object.entries(data).map(([k, v]) => ` data-${k}="${esc(v)}"`).join("");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${esc(title)}</title>
<link rel="icon" type="image/svg+xml" href="ui/icon.svg?v=${ASSET_VERSION}">
<link rel="stylesheet" href="ui/app.css?v=${ASSET_VERSION}">
<script src="ui/app.js?v=${ASSET_VERSION}" defer></script>
</head>
<body${attrs}>
<a class="skip" href="#main">Skip to content</a>
<header class="topbar">
<a class="brand" href="index.html">${ICON_SVG}<span>Supervisor</span></a>
<span class="ident">${esc(frame.identification)}</span>
<span class="daemon" data-f="daemon">${daemonLine(frame)}</span>
</header>
<main id="main">
<div id="conn" class="banner" role="alert" hidden>Lost contact with supervisord; retrying…</div>
${content}
</main>
<footer class="foot">supervisor-ts · compatible with Supervisor ${esc(frame.version)} · © ${frame.year}</footer>
</body>
</html>
`;
}

/** `RUNNING · pid 42 · 4.2.5`-style header text (the script keeps it current). */
export function daemonLine(f: { statename: string; pid: number }): string {
  return `supervisord ${esc(f.statename.toLowerCase())} · pid ${f.pid}`;
}

/** The message line; errors (supervisord's `ERROR: …`, `No such process…`) get the error style. */
export function messageLine(message: string): string {
  const tone = message === "" ? "" : isErrorMessage(message) ? " error" : " ok";
  return `<p id="message" class="message${tone}" role="status" aria-live="polite">${esc(message)}</p>`;
}

/** True for the messages that report a failure. */
export function isErrorMessage(message: string): boolean {
  return /^(ERROR|No such process|Unknown action)/.test(message);
}

const LABELS: Record<TargetAction, string> = {
  start: "Start",
  stop: "Stop",
  restart: "Restart",
  clearlog: "Clear log",
};

/** The hidden inputs every action form carries. */
function hiddenInputs(csrf: string, processname: string | null, back: "tail" | null): string {
  const name = processname === null ? "" : `<input type="hidden" name="processname" value="${esc(processname)}">`;
  const ret = back === null ? "" : `<input type="hidden" name="return" value="${back}">`;
  return `<input type="hidden" name="csrf" value="${esc(csrf)}">${name}${ret}`;
}

/** One target's buttons: all four are present, the ones that do not apply now are hidden. */
function actionForm(
  csrf: string,
  ns: string,
  label: string,
  offered: readonly TargetAction[],
  back: "tail" | null = null,
): string {
  const buttons = TARGET_ACTIONS.map((a) => {
    const hidden = offered.includes(a) ? "" : " hidden";
    const text = a === "clearlog" && ns.endsWith(":*") ? "Clear logs" : LABELS[a];
    return `<button type="submit" class="btn a-${a}" name="action" value="${a}" aria-label="${
      esc(`${text} ${label}`)
    }"${hidden}>${text}</button>`;
  }).join("");
  return `<form class="act" method="post" action="index.html">${hiddenInputs(csrf, ns, back)}${buttons}</form>`;
}

/** The state badge. */
export function stateBadge(p: { state: number; statename: string }): string {
  return `<span class="state tone-${stateTone(p.state)}" data-f="statename">${esc(p.statename.toLowerCase())}</span>`;
}

/** The health badge of a checked process (updated live through `data-f="health"`); nothing without a check. */
export function healthBadge(health: string | null): string {
  if (health === null) return "";
  return ` <span class="flag health" title="Health check" data-f="health">${esc(health)}</span>`;
}

function processRow(p: UiProcess, csrf: string): string {
  const tail = `tail.html?processname=${q(p.namespec)}`;
  return `<tr data-ns="${esc(p.namespec)}">
<td>${stateBadge(p)}</td>
<td class="name"><a href="${esc(tail)}" title="Tail the log of ${esc(p.namespec)}">${esc(p.namespec)}</a>${
    p.flags.map((f) => ` <span class="flag" title="Its end shuts supervisord down">${esc(f)}</span>`).join("")
  }${healthBadge(p.health)}</td>
<td class="desc" data-f="description">${esc(p.description)}</td>
<td class="num" data-f="pid">${p.pid === 0 ? "" : p.pid}</td>
<td class="num" data-f="uptime">${esc(p.uptime)}</td>
<td class="actions">${actionForm(csrf, p.namespec, p.namespec, p.actions)}</td>
</tr>`;
}

function groupBody(g: UiGroup, csrf: string): string {
  const head = g.header
    ? `<tr class="group-row" data-ns="${esc(g.namespec)}"><th scope="rowgroup" colspan="5">Group ${
      esc(g.name)
    } <span class="count">${
      g.processes.length === 1 ? "1 process" : `${g.processes.length} processes`
    }</span></th><td class="actions">${actionForm(csrf, g.namespec, `group ${g.name}`, g.actions)}</td></tr>\n`
    : "";
  return `<tbody data-group="${esc(g.name)}">\n${head}${
    g.processes.map((p) => processRow(p, csrf)).join("\n")
  }\n</tbody>`;
}

/** The process table, or supervisord's `No programs to manage` (the script swaps this block whole). */
export function processTable(snap: UiSnapshot, csrf: string): string {
  if (snap.groups.length === 0) return `<div id="procs"><p class="empty">No programs to manage</p></div>`;
  return `<div id="procs" class="table-wrap">
<table class="procs">
<caption class="sr-only">Processes managed by supervisord, with their state and actions</caption>
<thead><tr><th scope="col">State</th><th scope="col">Name</th><th scope="col">Description</th><th scope="col" class="num">PID</th><th scope="col" class="num">Uptime</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
${snap.groups.map((g) => groupBody(g, csrf)).join("\n")}
</table>
</div>`;
}

/** The status page. */
export function statusPage(frame: PageFrame, snap: UiSnapshot, csrf: string, message: string, pollMs: number): string {
  const count = snap.groups.reduce((n, g) => n + g.processes.length, 0);
  const allForm = `<form class="act all" method="post" action="index.html">${hiddenInputs(csrf, null, null)}
<button type="submit" class="btn a-start" name="action" value="startall">Start all</button>
<button type="submit" class="btn a-stop" name="action" value="stopall" data-confirm="Stop all processes?">Stop all</button>
<button type="submit" class="btn a-restart" name="action" value="restartall" data-confirm="Restart all processes?">Restart all</button>
<button type="submit" class="btn a-clearlog" name="action" value="clearlogall" data-confirm="Clear the logs of all processes?">Clear all logs</button>
</form>`;
  const content = `${messageLine(message)}
<div class="toolbar">
<h1>Processes <span class="count" data-f="count">${count}</span></h1>
<a class="btn ghost" href="index.html">Refresh</a>
${allForm}
</div>
${processTable(snap, csrf)}`;
  return page(
    frame,
    `Supervisor status · ${frame.identification}`,
    { page: "status", "poll-ms": String(pollMs) },
    content,
  );
}

/** One log pane of the tail page. */
export interface TailPane {
  channel: "stdout" | "stderr";
  text: string;
  cursor: string;
  missing: boolean;
}

function pane(ns: string, p: TailPane): string {
  const raw = `logtail/${q(ns)}${p.channel === "stderr" ? "/stderr" : ""}`;
  const body = p.missing ? `No ${p.channel} log file for ${ns}` : p.text;
  return `<section class="pane" aria-labelledby="h-${p.channel}">
<div class="pane-head"><h2 id="h-${p.channel}">${p.channel}</h2>
<label class="follow" hidden><input type="checkbox" data-follow="${p.channel}" checked> Follow</label>
<a class="raw" href="${esc(raw)}">raw stream</a></div>
<pre class="log" tabindex="0" data-channel="${p.channel}" data-cursor="${esc(p.cursor)}"${
    p.missing ? ' data-missing="1"' : ""
  } aria-label="${esc(`${p.channel} of ${ns}`)}">\n${esc(body)}</pre>
</section>`;
}

/** The tail page of one process. */
export function tailPage(
  frame: PageFrame,
  proc: UiProcess,
  panes: readonly TailPane[],
  opts: { csrf: string; message: string; limit: number; pollMs: number },
): string {
  const ns = proc.namespec;
  const content = `<nav class="crumbs" aria-label="Breadcrumb"><a href="index.html">← All processes</a></nav>
${messageLine(opts.message)}
<div class="proc-head" data-ns="${esc(ns)}">
<h1>${esc(ns)}</h1>
${stateBadge(proc)}
<span class="desc" data-f="description">${esc(proc.description)}</span>
${actionForm(opts.csrf, ns, ns, proc.actions, "tail")}
</div>
<div class="tails">
${panes.map((p) => pane(ns, p)).join("\n")}
</div>
<p class="hint"><a href="tail.html?processname=${
    esc(q(ns))
  }&amp;limit=${opts.limit}">Refresh</a> · showing up to the last ${opts.limit} bytes of each log</p>`;
  return page(frame, `Supervisor tail of process ${ns}`, {
    page: "tail",
    ns,
    "poll-ms": String(opts.pollMs),
  }, content);
}

const CONFIRM_TEXT: Record<UiAction, [verb: string, label: string]> = {
  start: ["Start", "Start"],
  stop: ["Stop", "Stop"],
  restart: ["Restart", "Restart"],
  clearlog: ["Clear the log of", "Clear log"],
  startall: ["Start all processes", "Start all"],
  stopall: ["Stop all processes", "Stop all"],
  restartall: ["Restart all processes", "Restart all"],
  clearlogall: ["Clear the logs of all processes", "Clear all logs"],
  refresh: ["Refresh", "Refresh"],
};

/**
 * What an old `?action=…&processname=…` link shows: a question and a POST
 * form, since a GET never changes anything.
 */
export function confirmPage(frame: PageFrame, action: UiAction, processname: string, csrf: string): string {
  const [verb, label] = CONFIRM_TEXT[action];
  const target = action.endsWith("all")
    ? ""
    : processname.endsWith(":*") || processname.endsWith(":")
    ? ` group ${processname.replace(/:\*?$/, "")}`
    : ` ${processname}`;
  const content = `<section class="confirm" aria-labelledby="confirm-h">
<h1 id="confirm-h">${esc(`${verb}${target}?`)}</h1>
<p>A link asked for this. Links and bookmarks never change anything by themselves here; confirm to go ahead.</p>
<form method="post" action="index.html">${hiddenInputs(csrf, processname, null)}
<button type="submit" class="btn a-${action.replace(/all$/, "")}" name="action" value="${action}" autofocus>${
    esc(label + target)
  }</button>
<a class="btn ghost" href="index.html">Cancel</a>
</form>
</section>`;
  return page(frame, `Confirm: ${verb}${target}`, { page: "confirm" }, content);
}

/** A page that only says what went wrong, with a way back. */
export function errorPage(frame: PageFrame, title: string, text: string): string {
  const content = `<section class="confirm" aria-labelledby="err-h">
<h1 id="err-h">${esc(title)}</h1>
<p>${esc(text)}</p>
<p><a class="btn ghost" href="index.html">Back to all processes</a></p>
</section>`;
  return page(frame, title, { page: "error" }, content);
}
