/**
 * The web UI's static assets as string constants, so they are compiled
 * into both binaries (no files to ship, nothing read at run time): the
 * stylesheet, the icon, and the script (in _ui_script.ts), plus a version
 * hash that the pages put in the asset URLs so browsers may cache them for
 * good.
 *
 * The style follows the system's light or dark preference, keeps states
 * readable without colour (each badge says its state in words), shows a
 * visible focus ring, and needs no web fonts or images beyond the icon.
 *
 * Python counterpart: supervisor/ui/stylesheets/supervisor.css and
 * supervisor/ui/images/ (which supervisord reads from disk).
 * @module
 */

import { UI_SCRIPT } from "./_ui_script.ts";

export { UI_SCRIPT };

/** The icon, inline in every page header. */
export const ICON_SVG =
  `<svg class="logo" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32" width="26" height="26" aria-hidden="true" focusable="false"><rect width="32" height="32" rx="7" fill="#3563d6"/><path d="M5 17h6l3-7 4 13 3-6h6" fill="none" stroke="#fff" stroke-width="2.6" stroke-linecap="round" stroke-linejoin="round"/></svg>`;

/** The stylesheet served at `ui/app.css`. */
export const UI_CSS = `:root {
  color-scheme: light dark;
  --bg: #f4f6f9; --panel: #ffffff; --sub: #f8f9fb; --hover: #f1f4f9;
  --text: #1b2330; --muted: #586273; --line: #dde2e8;
  --accent: #2d5bd0;
  --ok: #1b7339; --ok-bg: #e2f3e7;
  --err: #b42318; --err-bg: #fde7e4;
  --busy: #865600; --busy-bg: #fff1d1;
  --idle: #4a5464; --idle-bg: #eaedf1;
  --top: #1b2230; --top-text: #f2f4f8; --top-muted: #b8c0cd;
  --log-bg: #0e131b; --log-text: #d5dce6;
  --radius: 10px;
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #10141b; --panel: #171d27; --sub: #1b222e; --hover: #1e2632;
    --text: #e5e9ef; --muted: #9ba6b5; --line: #2a3341;
    --accent: #86a8ff;
    --ok: #6ad695; --ok-bg: #15321f;
    --err: #ff9489; --err-bg: #3c1a17;
    --busy: #f2c25a; --busy-bg: #372c10;
    --idle: #b7bfcb; --idle-bg: #242c39;
    --top: #0a0d13;
  }
}
* { box-sizing: border-box; }
[hidden] { display: none !important; }
html, body { margin: 0; }
body { background: var(--bg); color: var(--text); min-height: 100vh; display: flex; flex-direction: column; }
a { color: var(--accent); }
.sr-only { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
.skip { position: absolute; left: -10000px; top: .5rem; z-index: 10; background: var(--panel); color: var(--text); padding: .5rem .75rem; border-radius: 6px; }
.skip:focus { left: .5rem; }
:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.topbar { display: flex; align-items: center; gap: 1rem; flex-wrap: wrap; padding: .65rem 1.5rem; background: var(--top); color: var(--top-text); }
.brand { display: inline-flex; align-items: center; gap: .55rem; color: inherit; text-decoration: none; font-weight: 700; font-size: 1.1rem; letter-spacing: .01em; }
.ident { color: var(--top-muted); font-weight: 600; }
.daemon { margin-left: auto; color: var(--top-muted); font-size: .85rem; }
main { width: 100%; max-width: 1400px; margin: 0 auto; padding: 1.25rem 1.5rem 2rem; flex: 1; }
.foot { text-align: center; color: var(--muted); font-size: .8rem; padding: 1rem; }
h1 { font-size: 1.3rem; margin: 0; }
.count { color: var(--muted); font-weight: 500; font-size: .9em; }
.banner { background: var(--err-bg); color: var(--err); border: 1px solid currentColor; border-radius: var(--radius); padding: .6rem .9rem; margin-bottom: 1rem; font-weight: 600; }
.message { margin: 0 0 1rem; border-radius: var(--radius); font-weight: 600; }
.message:not(:empty) { padding: .6rem .9rem; border: 1px solid var(--line); background: var(--panel); }
.message.ok { color: var(--ok); background: var(--ok-bg); border-color: transparent; }
.message.error { color: var(--err); background: var(--err-bg); border-color: transparent; }
.message.busy { color: var(--busy); background: var(--busy-bg); border-color: transparent; }
.toolbar { display: flex; align-items: center; gap: .75rem; flex-wrap: wrap; margin-bottom: 1rem; }
.toolbar h1 { margin-right: auto; }
form.act { display: inline-flex; gap: .35rem; flex-wrap: wrap; margin: 0; }
.btn { display: inline-flex; align-items: center; justify-content: center; font: inherit; font-size: .82rem; font-weight: 600; line-height: 1.2; padding: .36rem .75rem; border-radius: 7px; border: 1px solid var(--line); background: var(--panel); color: var(--text); cursor: pointer; text-decoration: none; white-space: nowrap; }
.btn:hover { border-color: var(--muted); background: var(--hover); }
.btn[disabled] { opacity: .55; cursor: progress; }
.btn.a-start { color: var(--ok); }
.btn.a-stop { color: var(--err); }
.btn.a-restart { color: var(--accent); }
.btn.a-clearlog, .btn.ghost { color: var(--muted); }
.table-wrap { overflow-x: auto; background: var(--panel); border: 1px solid var(--line); border-radius: var(--radius); }
table.procs { width: 100%; border-collapse: collapse; }
.procs th, .procs td { padding: .55rem .8rem; text-align: left; border-bottom: 1px solid var(--line); vertical-align: middle; }
.procs tbody:last-child tr:last-child > * { border-bottom: 0; }
.procs thead th { font-size: .72rem; text-transform: uppercase; letter-spacing: .05em; color: var(--muted); background: var(--sub); font-weight: 700; }
.procs tbody tr:hover { background: var(--hover); }
.procs .group-row { background: var(--sub); }
.procs .group-row th { font-weight: 700; }
.procs .name a { font-weight: 600; text-decoration: none; font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", monospace; font-size: .9rem; }
.procs .name a:hover { text-decoration: underline; }
.procs .desc { color: var(--muted); }
.procs td.actions { text-align: right; }
.procs td.actions form { justify-content: flex-end; }
.num { text-align: right !important; font-variant-numeric: tabular-nums; }
tr.busy, .proc-head.busy { opacity: .65; }
.state { display: inline-flex; align-items: center; gap: .4em; min-width: 6.2em; padding: .16rem .6rem; border-radius: 999px; font-size: .72rem; font-weight: 700; text-transform: uppercase; letter-spacing: .05em; }
.state::before { content: ""; width: .5em; height: .5em; border-radius: 50%; background: currentColor; flex: none; }
.flag { margin-left: .4em; padding: .05rem .45rem; border: 1px solid currentColor; border-radius: 999px; font-size: .66rem; font-weight: 700; text-transform: uppercase; letter-spacing: .05em; color: var(--muted); }
.tone-ok { color: var(--ok); background: var(--ok-bg); }
.tone-error { color: var(--err); background: var(--err-bg); }
.tone-busy { color: var(--busy); background: var(--busy-bg); }
.tone-idle { color: var(--idle); background: var(--idle-bg); }
.empty { padding: 2rem; text-align: center; color: var(--muted); background: var(--panel); border: 1px dashed var(--line); border-radius: var(--radius); }
.crumbs { margin-bottom: .75rem; font-size: .9rem; }
.crumbs a { text-decoration: none; }
.proc-head { display: flex; align-items: center; gap: .75rem; flex-wrap: wrap; margin-bottom: 1rem; }
.proc-head h1 { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", monospace; }
.proc-head .desc { color: var(--muted); }
.proc-head form { margin-left: auto; }
.tails { display: grid; grid-template-columns: minmax(0, 1fr); gap: 1rem; }
@media (min-width: 1100px) { .tails { grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); } }
.pane { background: var(--panel); border: 1px solid var(--line); border-radius: var(--radius); overflow: hidden; }
.pane-head { display: flex; align-items: center; gap: 1rem; padding: .5rem .8rem; border-bottom: 1px solid var(--line); background: var(--sub); }
.pane-head h2 { margin: 0 auto 0 0; font-size: .9rem; font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", monospace; }
.follow { font-size: .85rem; display: inline-flex; align-items: center; gap: .3rem; cursor: pointer; }
.raw { font-size: .85rem; }
pre.log { margin: 0; padding: .75rem .9rem; height: 65vh; min-height: 12rem; overflow: auto; background: var(--log-bg); color: var(--log-text); font: 12.5px/1.5 ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", monospace; white-space: pre-wrap; overflow-wrap: anywhere; }
pre.log[data-missing] { color: #8d98a8; font-style: italic; }
.hint { color: var(--muted); font-size: .85rem; }
.confirm { max-width: 40rem; margin: 2rem auto; background: var(--panel); border: 1px solid var(--line); border-radius: var(--radius); padding: 1.5rem; }
.confirm h1 { margin-bottom: .5rem; }
.confirm form { display: flex; gap: .6rem; margin-top: 1rem; }
.confirm .btn { font-size: .95rem; padding: .5rem 1rem; }
@media (max-width: 700px) {
  .topbar, main { padding-left: .75rem; padding-right: .75rem; }
  .daemon { margin-left: 0; }
  .procs thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  .procs tbody { display: block; }
  .procs tr { display: grid; grid-template-columns: auto minmax(0, 1fr); gap: .4rem .6rem; align-items: center; padding: .65rem .75rem; border-bottom: 1px solid var(--line); }
  .procs tbody:last-child tr:last-child { border-bottom: 0; }
  .procs td, .procs th { display: block; padding: 0; border: 0; }
  .procs td.num { display: none; }
  .procs td.desc, .procs td.actions, .procs .group-row th { grid-column: 1 / -1; }
  .procs td.actions { text-align: left; }
  .procs td.actions form { justify-content: flex-start; }
  .proc-head form { margin-left: 0; }
}
`;

/** FNV-1a, 32 bits, as 8 hex digits: enough to tell asset versions apart. */
function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, "0");
}

/** Changes whenever an asset does; pages request `ui/app.css?v=<this>`. */
export const ASSET_VERSION = fnv1a(UI_CSS + UI_SCRIPT + ICON_SVG);
