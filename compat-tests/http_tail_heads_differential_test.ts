/**
 * The head of a log tail comes at once, even when the log is empty: our
 * supervisord and `/usr/bin/supervisord` side by side, each asked over its
 * unix socket (with the stock tail client's request bytes) for the tail of a
 * never-started process's AUTO logs, of an explicit log file nothing was
 * written to, and of the main log. The head must arrive while the log is
 * still empty, be the same bytes as supervisord's (the dates masked), and
 * the connection must then carry what is appended as chunks.
 *
 * Python counterpart: supervisor/http.py (`logtail_handler`,
 * `mainlogtail_handler`, `tail_f_producer`) and
 * supervisor/medusa/http_server.py (`http_request.done`).
 * @module
 */

import assert from "node:assert/strict";
import { appendFileSync } from "node:fs";
import type { Socket } from "node:net";
import { CtlPair, RPC_SECTION, UNIX_HEADER } from "./_ctl.ts";
import { haveReference, ourEntryName } from "./_harness.ts";
import { open } from "./_raw_http.ts";

const FIXTURE = `${UNIX_HEADER}
${RPC_SECTION}
[program:never]
command=/bin/sleep 100
autostart=false

[program:quiet]
command=/bin/sleep 100
stdout_logfile=%(here)s/quiet.out
stderr_logfile=%(here)s/quiet.err
startsecs=0
`;

/** The stock `supervisorctl tail -f` request (supervisor/http_client.py), extra CRLF included. */
function tailRequest(path: string): string {
  return `GET ${path} HTTP/1.1\r\nHost: \r\nAccept-Encoding: chunked\r\nAccept: */*\r\n` +
    "User-agent: Supervisor HTTP Client\r\n\r\n\r\n";
}

/** Reads from `socket` until `done(data)` holds; rejects after a generous deadline. */
function readUntil(socket: Socket, what: string, done: (data: string) => boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = "";
    const finish = (error?: Error) => {
      clearTimeout(timer);
      socket.off("data", onData);
      socket.off("close", onClose);
      if (error === undefined) resolve(data);
      else reject(error);
    };
    const onData = (chunk: Buffer) => {
      data += chunk.toString("latin1");
      if (done(data)) finish();
    };
    const onClose = () => finish(new Error(`connection closed before ${what}; got ${JSON.stringify(data)}`));
    const timer = setTimeout(() => finish(new Error(`no ${what} within 10 s; got ${JSON.stringify(data)}`)), 10_000);
    socket.on("data", onData);
    socket.on("close", onClose);
  });
}

/** The head as sent, dates masked. */
function headFacts(head: string): string {
  return head.replace(/^(Date|Last-Modified): .*$/gm, "$1: <DATE>");
}

/** Asks for `path`, returns the head and whether any body byte had come with it. */
async function tailHead(sock: string, path: string, append?: { file: string; text: string }) {
  const socket = await open({ path: sock });
  try {
    const headDone = (d: string) => d.includes("\r\n\r\n");
    socket.write(tailRequest(path));
    const data = await readUntil(socket, `the head of ${path}`, headDone);
    const end = data.indexOf("\r\n\r\n");
    const head = data.slice(0, end);
    const early = data.slice(end + 4);
    let streamed: string | null = null;
    if (append !== undefined) {
      const chunk = `${append.text.length.toString(16)}\r\n${append.text}\r\n`;
      const more = readUntil(socket, `the chunk appended to ${append.file}`, (d) => (early + d).includes(chunk));
      appendFileSync(append.file, append.text);
      streamed = early + (await more);
    }
    return { head: headFacts(head), early, streamed };
  } finally {
    socket.destroy();
  }
}

let pairPromise: Promise<CtlPair> | null = null;
const pair = () => pairPromise ??= CtlPair.start(FIXTURE, { ready: [[/success: quiet /, 1]] });

Deno.test({
  name:
    `[HTTP.logtail,HTTP.mainlogtail,XPORT.tailf] the tail of an empty log or a never-started AUTO log answers its head at once, then streams, as supervisord (${ourEntryName()})`,
  ignore: !haveReference(),
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const p = await pair();
    const cases: Array<[string, string | null]> = [
      ["/logtail/never", null],
      ["/logtail/never/stderr", null],
      ["/logtail/quiet", "quiet.out"],
      ["/logtail/quiet/stderr", "quiet.err"],
    ];
    for (const [path, file] of cases) {
      const got = await p.both((d) =>
        tailHead(`${d.dir}/s.sock`, path, file === null ? undefined : { file: `${d.dir}/${file}`, text: "hello\n" })
      );
      assert.match(got.reference.head, /^HTTP\/1\.1 200 OK\r\n/, `reference ${path}`);
      assert.equal(got.ours.head, got.reference.head, path);
      assert.equal(got.ours.early, "", `${path}: an empty log sends no body bytes with the head`);
      assert.equal(got.ours.streamed, got.reference.streamed, `${path}: what is appended is streamed`);
    }
    const main = await p.both((d) => tailHead(`${d.dir}/s.sock`, "/mainlogtail"));
    assert.equal(main.ours.head, main.reference.head, "/mainlogtail");
  },
});

Deno.test({
  name: "http tail heads: dispose of the daemons",
  ignore: !haveReference(),
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    if (pairPromise !== null) await (await pairPromise)[Symbol.asyncDispose]();
  },
});
