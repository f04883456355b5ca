/**
 * The web UI in a real browser: our supervisord on a temp config with an
 * inet_http_server (127.0.0.1, a free port, Basic auth), driven by
 * Debian's Chromium through playwright-core. It loads the status page,
 * starts a process by clicking and sees its state change without a page
 * load, opens the tail page and sees stdout and stderr grow live, stops the
 * process from there, checks that an old `?action=` link only asks for
 * confirmation, acts through the plain forms with scripts off, and saves
 * screenshots to `.test-output/webui.png` (status)
 * and `.test-output/webui-tail.png`.
 *
 * Skipped when /usr/bin/chromium is missing (`apt-get install -y
 * chromium`; .ci/run installs it).
 *
 * Python counterpart: none (supervisord's UI has no browser tests).
 * @module
 */

import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { CtlDaemon, RPC_SECTION, UNIX_HEADER } from "./_ctl.ts";
import { ourEntryName, ROOT } from "./_harness.ts";

const CHROMIUM = "/usr/bin/chromium";
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const OUT = join(ROOT, ".test-output");

// autorestart=false everywhere: the harness kills children before the daemon, which would otherwise respawn them.
const FIXTURE = `${UNIX_HEADER}
[inet_http_server]
port=127.0.0.1:{PORT}
username=admin
password=s3cret

${RPC_SECTION}
[program:ticker]
command=/bin/sh -c 'i=0; while true; do i=$((i+1)); echo "tick $i"; echo "warn $i" >&2; sleep 0.2; done'
autostart=false
autorestart=false
startsecs=1
stdout_logfile=%(here)s/ticker.out
stderr_logfile=%(here)s/ticker.err

[program:api]
command=/bin/sleep 1000
startsecs=0
autorestart=false

[program:broken]
command=/bin/sh -c 'echo "cannot bind 0.0.0.0:8080" >&2; exit 3'
startsecs=1
startretries=0

[program:cron]
command=/bin/sleep 1000
autostart=false
autorestart=false

[program:worker]
command=/bin/sleep 1000
process_name=%(program_name)s_%(process_num)s
numprocs=2
startsecs=0
autorestart=false
`;

const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** The state badge text of a row (or the tail page's head) for `ns`. */
function badge(page: Page, ns: string): Promise<string | null> {
  return page.locator(`[data-ns="${ns}"] [data-f="statename"]`).first().textContent();
}

/** Waits until `ns`'s badge reads `state` (the page updates it in place). */
async function waitForState(page: Page, ns: string, state: string): Promise<void> {
  const exact = new RegExp(`^${state}$`);
  await page.locator(`[data-ns="${ns}"] [data-f="statename"]`, { hasText: exact }).first().waitFor({ timeout: 20_000 });
}

/** Waits until the message line reads `text`. */
async function waitForMessage(page: Page, text: string): Promise<void> {
  await page.locator("#message", { hasText: new RegExp(`^${text}$`) }).waitFor({ timeout: 20_000 });
}

/** Polls `check` every 100 ms until it is true; fails after `timeoutMs`. */
async function until(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The highest `<word> N` number in a log pane. */
async function lastNumber(page: Page, channel: string, word: string): Promise<number> {
  const text = (await page.locator(`pre[data-channel="${channel}"]`).textContent()) ?? "";
  const all = [...text.matchAll(new RegExp(`${word} (\\d+)`, "g"))].map((m) => Number(m[1]));
  return all.length === 0 ? 0 : Math.max(...all);
}

async function drive(page: Page, base: string): Promise<void> {
  await page.goto(`${base}/`);
  assert.equal(await badge(page, "ticker"), "stopped");
  assert.equal(await badge(page, "api"), "running");
  assert.equal(await page.locator("h1").first().textContent(), "Processes 6");
  // A marker that a page load would wipe: everything below happens in place.
  await page.evaluate(() => ((globalThis as unknown as { marker: number }).marker = 42));

  await page.locator('tr[data-ns="ticker"] button[value="start"]').click();
  await waitForState(page, "ticker", "running");
  await waitForMessage(page, "Process ticker started");
  assert.equal(await page.locator('tr[data-ns="ticker"] button[value="start"]').isHidden(), true);
  assert.equal(await page.locator('tr[data-ns="ticker"] button[value="stop"]').isVisible(), true);
  mkdirSync(OUT, { recursive: true });
  await page.waitForTimeout(1200); // one uptime tick, so the screenshot shows a live table
  await page.screenshot({ path: join(OUT, "webui.png"), fullPage: true });
  assert.equal(await page.evaluate(() => (globalThis as unknown as { marker?: number }).marker), 42);

  await page.locator('tr[data-ns="ticker"] td.name a').click();
  await page.waitForURL(/tail\.html\?processname=ticker$/);
  await page.evaluate(() => ((globalThis as unknown as { marker: number }).marker = 7));
  await until("a first tick", async () => (await lastNumber(page, "stdout", "tick")) > 0);
  const before = await lastNumber(page, "stdout", "tick");
  // 15 more ticks at 0.2 s take 3 s: several polls (one a second), so a cursor bug would repeat lines.
  await until("15 more ticks in the open page", async () => (await lastNumber(page, "stdout", "tick")) >= before + 15);
  assert.ok((await lastNumber(page, "stderr", "warn")) > 0, "stderr pane shows the process's stderr");
  const stdout = (await page.locator('pre[data-channel="stdout"]').textContent()) ?? "";
  const ticks = [...stdout.matchAll(/tick (\d+)/g)].map((m) => Number(m[1]));
  assert.deepEqual(ticks, ticks.map((_, i) => ticks[0]! + i), "no line lost or repeated between polls");
  await page.screenshot({ path: join(OUT, "webui-tail.png"), fullPage: true });

  await page.locator('.proc-head button[value="stop"]').click();
  await waitForState(page, "ticker", "stopped");
  await waitForMessage(page, "Process ticker stopped");
  assert.equal(await page.evaluate(() => (globalThis as unknown as { marker?: number }).marker), 7);

  await page.goto(`${base}/index.html?action=stop&processname=api`);
  assert.equal(await page.locator("#confirm-h").textContent(), "Stop api?");
  await page.goto(`${base}/`);
  assert.equal(await badge(page, "api"), "running", "following an old ?action= link stopped nothing");
}

/**
 * The same page with scripts off: a button is a plain form POST answered by
 * a 303 to the page with the message (the script would have stayed on the
 * page instead), and an old `?action=` link's confirmation form acts.
 */
async function withoutScript(context: BrowserContext, base: string): Promise<void> {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Emulation.setScriptExecutionDisabled", { value: true });
  await page.goto(`${base}/`);
  await page.locator('tr[data-ns="api"] button[value="stop"]').click();
  await page.waitForURL(/\/index\.html\?message=Process%20api%20stopped$/);
  assert.equal(await page.locator("#message").textContent(), "Process api stopped");
  assert.equal(await badge(page, "api"), "stopped");
  await page.goto(`${base}/index.html?action=start&processname=api`);
  await page.locator('#main form button[value="start"]').click();
  await page.waitForURL(/\/index\.html\?message=Process%20api%20started$/);
  assert.equal(await badge(page, "api"), "running");
  await page.close();
}

Deno.test({
  name: HAVE_CHROMIUM
    ? `[WEB.index,WEB.actions,WEB.tail] (${ourEntryName()}) web UI in Chromium: start and stop by clicking, live tail, screenshots`
    : `web UI in Chromium (skipped: ${CHROMIUM} is not installed; apt-get install -y chromium)`,
  ignore: !HAVE_CHROMIUM,
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const daemon = await CtlDaemon.start("ours", FIXTURE, { ready: [[/success: api /, 1], [/gave up: broken /, 1]] });
    const profile = mkdtempSync(join(tmpdir(), "svts-chromium-"));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      httpCredentials: { username: "admin", password: "s3cret" },
      viewport: { width: 1280, height: 800 },
    });
    try {
      const page = context.pages()[0] ?? await context.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(String(e)));
      page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
      await drive(page, `http://127.0.0.1:${daemon.port}`);
      await withoutScript(context, `http://127.0.0.1:${daemon.port}`);
      assert.deepEqual(errors, [], "no script errors or CSP violations in the page");
    } finally {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
      await daemon[Symbol.asyncDispose]();
    }
  },
});
