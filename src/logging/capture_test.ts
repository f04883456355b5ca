import { deepEqual, equal } from "node:assert/strict";
import { b, t } from "./_testing.ts";
import { CaptureSplitter, commEventLogLine, indexOfBytes, type OutputPiece, prefixAtEnd } from "./capture.ts";

const BEGIN = "<!--XSUPERVISOR:BEGIN-->";
const END = "<!--XSUPERVISOR:END-->";

const show = (pieces: OutputPiece[]) => pieces.map((p) => `${p.kind}:${t(p.data)}`);

Deno.test("[EVT.comm,LOG.child.capture] the observed block: text around it is logged, the block becomes one comm event", () => {
  const s = new CaptureSplitter({ maxbytes: 1024 });
  deepEqual(show(s.feed(b(`before\n${BEGIN}hello comm${END}after\n`))), [
    "log:before\n",
    "capture:hello comm",
    "comm:hello comm",
  ]);
  // "after\n" is no longer than the BEGIN token: held back until more output arrives.
  deepEqual(t(s.held), "after\n");
  deepEqual(show(s.feed(b("more\n"))), []); // still only 11 bytes
  deepEqual(show(s.feed(b("and some more output\n"))), ["log:after\nmore\nand some more output\n"]);
});

Deno.test("[EVT.comm] tokens split across reads are held back until complete", () => {
  const s = new CaptureSplitter({ maxbytes: 1024 });
  const out: string[] = [];
  const text = `0123456789abcdefghijklmnopq${BEGIN}captured text here${END}0123456789abcdefghijklmnopq`;
  for (let i = 0; i < text.length; i += 5) out.push(...show(s.feed(b(text.slice(i, i + 5)))));
  out.push(...show(s.end()));
  const logged = out.filter((x) => x.startsWith("log:")).map((x) => x.slice(4)).join("");
  const captured = out.filter((x) => x.startsWith("capture:")).map((x) => x.slice(8)).join("");
  equal(logged, "0123456789abcdefghijklmnopq0123456789abcdefghijklmnopq");
  equal(captured, "captured text here");
  deepEqual(out.filter((x) => x.startsWith("comm:")), ["comm:captured text here"]);
  equal(out.join("").includes("XSUPERVISOR"), false);
});

Deno.test("[EVT.comm] a possible token prefix at the end of a read waits for the next read", () => {
  const s = new CaptureSplitter({ maxbytes: 1024 });
  deepEqual(show(s.feed(b("hello there world <!--XSUP"))), ["log:hello there world "]);
  equal(t(s.held), "<!--XSUP");
  // The whole token is 24 bytes: no longer than the token, so it waits too.
  deepEqual(show(s.feed(b("ERVISOR:BEGIN-->"))), []);
  equal(s.capturing, false);
  deepEqual(show(s.feed(b("x"))), []);
  equal(s.capturing, true);
  // Not a token after all: released when the next read shows it.
  const other = new CaptureSplitter({ maxbytes: 1024 });
  other.feed(b("hello there world <!--XSUP"));
  deepEqual(show(other.feed(b("PER, some other text"))), ["log:<!--XSUPPER, some other text"]);
});

Deno.test("[EVT.comm.holdback] output no longer than the token is held; end() flushes it (decision: flush on EOF)", () => {
  const s = new CaptureSplitter({ maxbytes: 1024 });
  deepEqual(show(s.feed(b("hi\n"))), []);
  deepEqual(show(s.feed(b("bye\n"))), []);
  deepEqual(show(s.end()), ["log:hi\nbye\n"]);
  deepEqual(show(s.end()), []);
  // Inside a block the held bytes are captured (the block never completes).
  const c = new CaptureSplitter({ maxbytes: 1024 });
  deepEqual(show(c.feed(b(`${BEGIN}x`))), []);
  deepEqual(show(c.end()), ["capture:x"]);
  equal(c.capturing, false);
  deepEqual(show(c.feed(b(`${BEGIN}y${END}`))), ["capture:y", "comm:y"]);
});

Deno.test("[EVT.comm.nocapture] without capture_maxbytes every chunk is logged as is, tokens included", () => {
  const s = new CaptureSplitter({ maxbytes: 0 });
  deepEqual(show(s.feed(b(`a${BEGIN}b${END}c`))), [`log:a${BEGIN}b${END}c`]);
  deepEqual(show(s.feed(b("x"))), ["log:x"]);
  deepEqual(show(s.feed(b(""))), []);
});

Deno.test("[EVT.comm] the capture buffer keeps at most maxbytes by dropping the size of each overflowing write", () => {
  const s = new CaptureSplitter({ maxbytes: 5 });
  const a = `${BEGIN}abcd`.padEnd(BEGIN.length + 23, "_"); // "abcd" + 19 "_" = 23 bytes captured
  s.feed(b(a));
  // BoundIO: an overflowing write of n bytes drops n bytes from the head first, so one
  // big write is kept whole.
  const out = show(s.feed(b(`efg${END}`)));
  deepEqual(out, ["capture:efg", "comm:" + ("abcd" + "_".repeat(19)).slice(3) + "efg"]);
  const small = new CaptureSplitter({ maxbytes: 5 });
  deepEqual(
    show(small.feed(b(`${BEGIN}abcd${END.slice(0, 21)}`))).filter((p) => p.startsWith("capture")),
    ["capture:abcd"],
  );
  deepEqual(show(small.feed(b(`${END.slice(21)}`))), []);
  equal(small.capturing, true);
});

Deno.test("[EVT.comm] pieces are stripped of ANSI escapes with strip_ansi; tokens are found in the raw bytes", () => {
  const s = new CaptureSplitter({ maxbytes: 100, stripAnsi: true });
  deepEqual(show(s.feed(b(`\x1b[31mred text goes here\x1b[0m${BEGIN}\x1b[1mbold\x1b[0m${END}`))), [
    "log:red text goes here",
    "capture:bold",
    "comm:bold",
  ]);
  const raw = new CaptureSplitter({ maxbytes: 100 });
  deepEqual(show(raw.feed(b(`\x1b[1mbold and long enough text`))), ["log:\x1b[1mbold and long enough text"]);
});

Deno.test("[MLOG.comm] the comm event log line", () => {
  equal(commEventLogLine("comm", "stdout"), "'comm' stdout emitted a comm event");
  equal(commEventLogLine("it's", "stderr"), `"it's" stderr emitted a comm event`);
});

Deno.test("byte search helpers", () => {
  equal(indexOfBytes(b("aab<!--X<!--XS"), b("<!--XS")), 8);
  equal(indexOfBytes(b("abc"), b("abcd")), -1);
  equal(prefixAtEnd(b("hello <!--"), b(BEGIN)), 4);
  equal(prefixAtEnd(b("hello"), b(BEGIN)), 0);
  equal(prefixAtEnd(b("<"), b(BEGIN)), 1);
  equal(prefixAtEnd(b(BEGIN), b(BEGIN)), 0); // a whole token is not a proper prefix
});
