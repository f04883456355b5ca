import { deepStrictEqual as assertEquals, equal, notEqual } from "node:assert/strict";
import { KEEP_BYTES, XmlWriter } from "./_xml_writer.ts";

const dec = new TextDecoder();

function text(s: string): string {
  const w = new XmlWriter(8);
  w.text(s);
  return dec.decode(w.take());
}

Deno.test("[XMLRPC.escape,XMLRPC.badtext] XmlWriter.text() escapes &, <, >, CR and replaces what XML 1.0 forbids", () => {
  equal(text("a&b<c>d\re\tf\ng"), "a&amp;b&lt;c&gt;d&#13;e\tf\ng");
  equal(text("\x00\x08\x0b\x1f\x7f"), "\ufffd\ufffd\ufffd\ufffd\x7f");
  equal(text("é ✓ 😀 \ufffe\uffff"), "é ✓ 😀 \ufffd\ufffd");
  equal(text("lone \ud800 and \udc00."), "lone \ufffd and \ufffd.");
  equal(text("quotes \" ' stay"), "quotes \" ' stay");
});

Deno.test("XmlWriter reuses its buffer from one document to the next, and drops one grown beyond KEEP_BYTES", () => {
  const w = new XmlWriter(16);
  w.markup("<a>");
  w.integer(-42);
  w.markup("</a>");
  assertEquals(dec.decode(w.take()), "<a>-42</a>");
  const first = w.buffer;
  w.reset();
  w.markup("<b/>");
  equal(w.buffer, first, "the same buffer serves the next document");
  equal(dec.decode(w.take()), "<b/>");
  w.reset();
  w.text("x".repeat(KEEP_BYTES));
  notEqual(w.buffer, first, "it grew");
  w.reset();
  equal(w.buffer.length, KEEP_BYTES, "a grown buffer is not kept beyond KEEP_BYTES");
  const start = w.length;
  w.markup("<c/>");
  w.bytes(w.copyFrom(start));
  equal(dec.decode(w.take()), "<c/><c/>");
});
