import assert from "node:assert/strict";
import { KeyDecoder } from "./_keys.ts";
import { columns, commonPrefix, type Completer, type Completion, type EditResult, LineEditor } from "./line_editor.ts";

const noCompletion: Completer = () => Promise.resolve({ start: 0, matches: [] });

/** Runs `input` (raw terminal bytes as text) through a fresh editor. */
async function edit(
  input: string,
  { history = [] as string[], complete = noCompletion as Completer } = {},
): Promise<{ result: EditResult | null; editor: LineEditor; screen: string }> {
  let screen = "";
  const editor = new LineEditor("p> ", history, (t) => (screen += t), complete);
  editor.start();
  for (const { key } of new KeyDecoder().decode(input)) {
    const result = await editor.press(key);
    if (result !== null) return { result, editor, screen };
  }
  return { result: null, editor, screen };
}

Deno.test("KeyDecoder: printable text, control keys, CSI and SS3 sequences, unknown sequences skipped", () => {
  const d = new KeyDecoder();
  const keys = d.decode("aé\x1b[A\x1bOH\x1b[3~\x1b[1;5D\x1b[99~\x7f\r\x03").map((k) => k.key);
  assert.deepEqual(keys, [
    { char: "a" },
    { char: "é" },
    { key: "up" },
    { key: "home" },
    { key: "delete" },
    { key: "wordLeft" },
    { key: "backspace" },
    { key: "enter" },
    { key: "interrupt" },
  ]);
});

Deno.test("KeyDecoder: a sequence split between reads is completed by the next read", () => {
  const d = new KeyDecoder();
  assert.deepEqual(d.decode("x\x1b["), [{ key: { char: "x" }, raw: "x" }]);
  assert.deepEqual(d.decode("D"), [{ key: { key: "left" }, raw: "\x1b[D" }]);
  assert.deepEqual(d.decode("\x1b"), []);
  assert.equal(d.takePending(), "\x1b");
});

Deno.test("LineEditor: typing, cursor movement and insertion in the middle", async () => {
  const { result, screen } = await edit("sop\x1b[D\x1b[Dt\x05 x\r");
  assert.deepEqual(result, { line: "stop x" });
  assert.ok(screen.startsWith("p> sop\x1b[1D\x1b[1D\rp> stop\x1b[K\x1b[2D\x1b[2C x\r\n"), JSON.stringify(screen));
});

Deno.test("LineEditor: backspace, delete, Ctrl-A/E, Ctrl-K, Ctrl-U, Ctrl-W, Ctrl-T", async () => {
  assert.deepEqual((await edit("abc\x7f\x7fz\r")).result, { line: "az" });
  assert.deepEqual((await edit("abc\x01\x1b[3~\r")).result, { line: "bc" });
  assert.deepEqual((await edit("abcd\x02\x02\x0b\r")).result, { line: "ab" });
  assert.deepEqual((await edit("abcd\x02\x15\r")).result, { line: "d" });
  assert.deepEqual((await edit("stop foo:bar\x17\r")).result, { line: "stop " });
  assert.deepEqual((await edit("stop foo:bar\x1b\x7f\r")).result, { line: "stop foo:" });
  assert.deepEqual((await edit("ab\x14\r")).result, { line: "ba" });
  assert.deepEqual((await edit("start web\x1bb\x1bb\x1bfX\r")).result, { line: "startX web" });
});

Deno.test("LineEditor: Ctrl-D ends input on an empty line and deletes otherwise; Ctrl-C interrupts", async () => {
  assert.deepEqual((await edit("\x04")).result, { eof: true });
  assert.deepEqual((await edit("ab\x01\x04\r")).result, { line: "b" });
  const { result, screen } = await edit("ab\x03");
  assert.deepEqual(result, { interrupted: true });
  assert.equal(screen, "p> ab^C");
});

Deno.test("LineEditor: Up and Down walk the history and come back to the line being typed", async () => {
  const history = ["status", "stop web"];
  assert.deepEqual((await edit("\x1b[A\r", { history })).result, { line: "stop web" });
  assert.deepEqual((await edit("\x1b[A\x1b[A\x1b[A\r", { history })).result, { line: "status" });
  assert.deepEqual((await edit("dr\x1b[A\x1b[A\x1b[B\x1b[B\r", { history })).result, { line: "dr" });
  assert.deepEqual((await edit("\x10\x10\x0e\r", { history })).result, { line: "stop web" });
  const { editor } = await edit("\x1b[A\x01", { history });
  assert.equal(editor.cursor, 0);
  assert.equal(editor.text, "stop web");
});

Deno.test("LineEditor: Tab inserts the one match, extends to the common prefix, lists on a second Tab", async () => {
  const complete = (line: string, cursor: number): Promise<Completion> => {
    const start = line.lastIndexOf(" ", cursor - 1) + 1;
    const word = line.slice(start, cursor);
    const all = ["start ", "status ", "stop ", "shutdown "];
    return Promise.resolve({ start, matches: all.filter((w) => w.startsWith(word)) });
  };
  assert.deepEqual((await edit("sh\t\r", { complete })).result, { line: "shutdown " });
  const listed = await edit("st\t\ta\t\r", { complete });
  assert.equal(listed.screen.includes("\x07"), true, "the first Tab only rings the bell");
  assert.ok(listed.screen.includes("\r\nstart   status  stop\r\n\rp> st\x1b[K"), JSON.stringify(listed.screen));
  assert.deepEqual(listed.result, { line: "sta" });
  assert.deepEqual((await edit("sta\tr\t\r", { complete })).result, { line: "start " });
  assert.deepEqual((await edit("x\t\r", { complete })).result, { line: "x" });
});

Deno.test("commonPrefix and columns", () => {
  assert.equal(commonPrefix(["status ", "stop ", "start "]), "st");
  assert.equal(commonPrefix([]), "");
  assert.equal(columns(["bb", "a", "ccc"], 12), "a    bb\r\nccc");
});

/** A terminal of `width` columns, enough of one to check what the editor draws (auto-wrap with a pending wrap). */
function terminal(width: number) {
  const rows: string[][] = [[]];
  let [row, col, pending] = [0, 0, false];
  const cell = (r: number) => (rows[r] ??= []);
  const feed = (text: string) => {
    for (let i = 0; i < text.length; i++) {
      const ch = text[i]!;
      if (ch === "\x1b") {
        const m = /^\[(\d*)([ABCDJK])/.exec(text.slice(i + 1))!;
        const n = Number(m[1] || "1");
        if (m[2] === "A") row -= n;
        if (m[2] === "B") row += n;
        if (m[2] === "C") col = Math.min(width - 1, col + n);
        if (m[2] === "D") col = Math.max(0, col - n);
        if (m[2] === "K") cell(row).length = col;
        if (m[2] === "J") (cell(row).length = col, rows.length = row + 1);
        pending = false;
        i += m[0].length;
      } else if (ch === "\r") [col, pending] = [0, false];
      else if (ch === "\n") [row, pending] = [row + 1, false];
      else if (ch === "\x07") continue;
      else {
        if (pending) [row, col, pending] = [row + 1, 0, false];
        cell(row)[col] = ch;
        if (col === width - 1) pending = true;
        else col++;
      }
    }
  };
  const screen = () => rows.map((r) => Array.from(r, (c) => c ?? " ").join(""));
  return { feed, screen, cursor: () => [row, col] };
}

Deno.test("LineEditor: a line longer than the terminal wraps; editing and cursor moves keep the rows right", async () => {
  const term = terminal(10);
  const editor = new LineEditor("p> ", [], term.feed, noCompletion, () => 10);
  editor.start();
  const keys = new KeyDecoder().decode("abcdefghijkl" + "\x1b[D".repeat(6) + "XY" + "\x01" + "\x04" + "\x05" + "Z");
  for (const { key } of keys) await editor.press(key);
  assert.deepEqual(term.screen(), ["p> bcdefXY", "ghijklZ"]);
  assert.deepEqual(term.cursor(), [1, 7]);
  assert.equal(editor.text, "bcdefXYghijklZ");
  for (const { key } of new KeyDecoder().decode("\x01\x1b[C\x1b[C")) await editor.press(key);
  assert.deepEqual(term.cursor(), [0, 5]);
  for (const { key } of new KeyDecoder().decode("\x0b")) await editor.press(key);
  assert.deepEqual(term.screen(), ["p> bc"]);
  for (const { key } of new KeyDecoder().decode("1234567")) await editor.press(key);
  assert.deepEqual(term.screen(), ["p> bc12345", "67"]);
  assert.deepEqual(term.cursor(), [1, 2]);
  assert.deepEqual(await editor.press({ key: "enter" }), { line: "bc1234567" });
  assert.deepEqual(term.cursor(), [2, 0], "Enter leaves the cursor below the whole line");
});

Deno.test("LineEditor: text that exactly fills a row moves the cursor to the next one", async () => {
  const term = terminal(10);
  const editor = new LineEditor("p> ", ["0123456"], term.feed, noCompletion, () => 10);
  editor.start();
  for (const { key } of new KeyDecoder().decode("\x1b[A")) await editor.press(key);
  assert.deepEqual(term.screen(), ["p> 0123456", ""]);
  assert.deepEqual(term.cursor(), [1, 0]);
  for (const { key } of new KeyDecoder().decode("\x7f")) await editor.press(key);
  assert.deepEqual(term.screen(), ["p> 012345"]);
  assert.deepEqual(term.cursor(), [0, 9]);
});
