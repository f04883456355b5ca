/**
 * The web UI's browser script, served at `ui/app.js`. It only enhances
 * pages that already work without it:
 * - the status table refreshes itself from `ui/status.json` every
 *   `data-poll-ms` (paused while the tab is hidden); when the set of
 *   processes changed (reread/update) it swaps in a fresh table from
 *   `index.html`;
 * - action forms are posted with fetch() (`Accept: application/json`), the
 *   outcome goes to the message line (an ARIA live region) and the table
 *   refreshes at once, without leaving the page;
 * - the tail page polls `ui/tail.json` with one cursor per log and appends
 *   what is new, following the end unless the reader scrolled up.
 *
 * Plain ES2020 with no dependencies; it reads page data from `data-*`
 * attributes and writes text only through `textContent`, never HTML. It
 * is a string here (no backticks or `${` inside) so it compiles into the
 * binary.
 *
 * Python counterpart: none (supervisord's pages have no script).
 * @module
 */

/** The script served at `ui/app.js`. */
export const UI_SCRIPT = `(function () {
  "use strict";
  var body = document.body;
  var pollMs = Number(body.getAttribute("data-poll-ms")) || 2000;
  var MAX_LOG_CHARS = 1000000;

  function $(sel, root) { return (root || document).querySelector(sel); }
  function $$(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }

  function setMessage(text, tone) {
    var m = $("#message");
    if (!m) return;
    m.textContent = text;
    m.className = "message" + (text ? " " + tone : "");
  }

  function setConnected(up) {
    var c = $("#conn");
    if (c) c.hidden = up;
  }

  function getJson(url) {
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store" })
      .then(function (res) {
        if (!res.ok) throw new Error("HTTP " + res.status);
        return res.json();
      });
  }

  function setField(root, name, text) {
    var el = $('[data-f="' + name + '"]', root);
    if (el && el.textContent !== text) el.textContent = text;
  }

  function updateToken(token) {
    if (!token) return;
    $$('input[name="csrf"]').forEach(function (i) { if (i.value !== token) i.value = token; });
  }

  function updateDaemon(data) {
    setField(document, "daemon", "supervisord " + String(data.statename).toLowerCase() + " \\u00b7 pid " + data.pid);
  }

  /* A process row, a group row or the tail page head: badge, texts, which buttons show. */
  function updateTarget(root, item) {
    if (item.statename !== undefined) {
      var badge = $('[data-f="statename"]', root);
      if (badge) {
        var text = item.statename.toLowerCase();
        if (badge.textContent !== text) badge.textContent = text;
        var cls = "state tone-" + item.tone;
        if (badge.className !== cls) badge.className = cls;
      }
      setField(root, "description", item.description);
      if (item.health) setField(root, "health", item.health);
      setField(root, "pid", item.pid ? String(item.pid) : "");
      setField(root, "uptime", item.uptime);
    }
    $$('button[name="action"]', root).forEach(function (b) {
      var show = item.actions.indexOf(b.value) !== -1;
      if (b.hidden === show) b.hidden = !show;
    });
  }

  /* A poller: runs fn every ms while the page is visible; now() runs it at once (again after a run in flight). */
  function poller(fn, ms) {
    var timer = 0, running = false, again = false;
    function tick() {
      clearTimeout(timer);
      if (running) { again = true; return; }
      if (document.hidden) return;
      running = true;
      Promise.resolve().then(fn).then(function () { setConnected(true); }, function () { setConnected(false); })
        .then(function () {
          running = false;
          if (again) { again = false; tick(); } else timer = setTimeout(tick, ms);
        });
    }
    document.addEventListener("visibilitychange", function () { if (!document.hidden) tick(); });
    timer = setTimeout(tick, ms);
    return tick;
  }

  /* ---- status page ---- */

  function statusItems(data) {
    var items = [];
    data.groups.forEach(function (g) {
      if (g.header) items.push(g);
      g.processes.forEach(function (p) { items.push(p); });
    });
    return items;
  }

  function swapTable() {
    return fetch("index.html", { credentials: "same-origin", cache: "no-store" })
      .then(function (res) { return res.text(); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.getElementById("procs");
        var current = document.getElementById("procs");
        if (!fresh || !current) return;
        var focused = document.activeElement;
        var row = focused && current.contains(focused) ? focused.closest("[data-ns]") : null;
        var key = row ? [row.getAttribute("data-ns"), focused.value] : null;
        current.replaceWith(document.adoptNode(fresh));
        if (key) {
          $$("[data-ns]", fresh).forEach(function (r) {
            if (r.getAttribute("data-ns") !== key[0]) return;
            var b = $$("button", r).filter(function (x) { return x.value === key[1] && !x.hidden; })[0];
            if (b) b.focus();
          });
        }
      });
  }

  function refreshStatus() {
    return getJson("ui/status.json").then(function (data) {
      updateToken(data.csrf);
      updateDaemon(data);
      var items = statusItems(data);
      setField(document, "count", String(items.filter(function (i) { return i.statename !== undefined; }).length));
      var rows = new Map($$("#procs [data-ns]").map(function (r) { return [r.getAttribute("data-ns"), r]; }));
      var same = items.length === rows.size && items.every(function (i) { return rows.has(i.namespec); });
      if (!same) return swapTable();
      items.forEach(function (i) { updateTarget(rows.get(i.namespec), i); });
    });
  }

  /* ---- tail page ---- */

  var follows = new Map();
  var lengths = new Map();

  function scrollEnd(pre) { pre.scrollTop = pre.scrollHeight; }

  function appendLog(pre, text, reset) {
    if (reset || pre.hasAttribute("data-missing")) {
      pre.textContent = "";
      pre.removeAttribute("data-missing");
      lengths.set(pre, 0);
    }
    if (text) {
      pre.appendChild(document.createTextNode(text));
      var n = (lengths.get(pre) || pre.textContent.length) + text.length;
      if (n > MAX_LOG_CHARS) {
        pre.textContent = pre.textContent.slice(-Math.floor(MAX_LOG_CHARS / 2));
        n = pre.textContent.length;
      }
      lengths.set(pre, n);
    }
    var box = follows.get(pre);
    if (!box || box.checked) scrollEnd(pre);
  }

  function initTail() {
    var ns = body.getAttribute("data-ns") || "";
    var panes = $$("pre.log[data-channel]");
    panes.forEach(function (pre) {
      var box = $('input[data-follow="' + pre.getAttribute("data-channel") + '"]');
      if (box) {
        box.closest("label").hidden = false;
        follows.set(pre, box);
        box.addEventListener("change", function () { if (box.checked) scrollEnd(pre); });
        pre.addEventListener("scroll", function () {
          var atEnd = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 8;
          if (box.checked !== atEnd) box.checked = atEnd;
        });
      }
      lengths.set(pre, pre.textContent.length);
      scrollEnd(pre);
    });
    function url() {
      return "ui/tail.json?processname=" + encodeURIComponent(ns) + panes.map(function (pre) {
        return "&" + pre.getAttribute("data-channel") + "=" + encodeURIComponent(pre.getAttribute("data-cursor") || "");
      }).join("");
    }
    return poller(function () {
      return getJson(url()).then(function (data) {
        updateToken(data.csrf);
        updateDaemon(data);
        var head = $(".proc-head");
        if (head && data.process) updateTarget(head, data.process);
        panes.forEach(function (pre) {
          var c = data[pre.getAttribute("data-channel")];
          if (!c) return;
          pre.setAttribute("data-cursor", c.cursor);
          if (c.missing) return;
          var text = (c.skipped > 0 ? "[... " + c.skipped + " bytes skipped ...]\\n" : "") + c.text;
          if (text || c.reset || pre.hasAttribute("data-missing")) appendLog(pre, text, c.reset);
        });
      });
    }, pollMs);
  }

  /* ---- action forms ---- */

  var refreshNow = function () {};

  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (!(form instanceof HTMLFormElement) || !form.classList.contains("act")) return;
    var btn = ev.submitter;
    ev.preventDefault();
    if (btn && btn.getAttribute("data-confirm") && !window.confirm(btn.getAttribute("data-confirm"))) return;
    var data = new URLSearchParams(new FormData(form));
    if (btn && btn.name) data.set(btn.name, btn.value);
    var buttons = $$("button", form);
    var row = form.closest("[data-ns]");
    buttons.forEach(function (b) { b.disabled = true; });
    form.setAttribute("aria-busy", "true");
    if (row) row.classList.add("busy");
    setMessage((btn ? btn.getAttribute("aria-label") || btn.textContent : "Working") + "\\u2026", "busy");
    fetch(form.getAttribute("action") || "index.html", {
      method: "POST",
      body: data,
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    }).then(function (res) {
      return res.json().catch(function () { return { ok: false, message: "ERROR: HTTP " + res.status }; });
    }).then(function (out) {
      setMessage(out.message, out.ok ? "ok" : "error");
    }, function (e) {
      setMessage("ERROR: could not reach supervisord (" + e.message + ")", "error");
    }).then(function () {
      buttons.forEach(function (b) { b.disabled = false; });
      form.removeAttribute("aria-busy");
      if (row) row.classList.remove("busy");
      refreshNow();
    });
  });

  var pageName = body.getAttribute("data-page");
  if (pageName === "status") refreshNow = poller(refreshStatus, pollMs);
  else if (pageName === "tail") refreshNow = initTail();
})();
`;
