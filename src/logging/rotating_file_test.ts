import { deepEqual, equal, ok, throws } from "node:assert/strict";
import { FakeRuntime } from "../runtime/fake.ts";
import { type FileSystem, RuntimeError, type WriteOpenMode } from "../runtime/types.ts";
import { RotatingFile } from "./rotating_file.ts";

const enc = new TextEncoder();

function setup(maxbytes: number, backups: number) {
  const rt = new FakeRuntime();
  rt.fs.seedDir("/logs");
  const errors: Array<[string, string]> = [];
  const file = new RotatingFile(rt.fs, "/logs/f.log", {
    maxbytes,
    backups,
    onError: (e, action) => errors.push([action, e instanceof RuntimeError ? e.code : String(e)]),
  });
  const text = (suffix = "") => rt.fs.text(`/logs/f.log${suffix}`);
  return { rt, file, errors, text, write: (s: string) => file.write(enc.encode(s)) };
}

Deno.test("[LOG.main.rotate] RotatingFile shifts backups after the write that reaches maxbytes", () => {
  const { write, text, rt } = setup(10, 3);
  write("aaaaa");
  equal(text(), "aaaaa");
  write("bbbbb"); // 10 bytes: rotates after this write
  deepEqual([text(), text(".1")], ["", "aaaaabbbbb"]);
  write("cccccccccc");
  write("dddddddddd");
  write("eeeeeeeeee");
  deepEqual([text(".1"), text(".2"), text(".3")], ["eeeeeeeeee", "dddddddddd", "cccccccccc"]);
  equal(rt.fs.exists("/logs/f.log.4"), false, "no more than `backups` files are kept");
  equal(text(), "");
});

Deno.test("[LOG.main.rotate] RotatingFile rotates after a write, so one write may exceed maxbytes", () => {
  const { write, text } = setup(2048, 1);
  const burst = "x".repeat(15190);
  write(burst);
  deepEqual([text(), text(".1")], ["", burst]);
});

Deno.test("[LOG.main.rotate] RotatingFile with backups=0 truncates and with maxbytes=0 never rotates", () => {
  const t = setup(4, 0);
  t.write("12345");
  equal(t.text(), "");
  equal(t.rt.fs.exists("/logs/f.log.1"), false);
  t.write("ab");
  equal(t.text(), "ab");
  const n = setup(0, 5);
  for (let i = 0; i < 100; i++) n.write("0123456789");
  equal(n.text()?.length, 1000);
  equal(n.rt.fs.exists("/logs/f.log.1"), false);
});

Deno.test("[LOG.main.file] RotatingFile appends to an existing file and counts its size", () => {
  const rt = new FakeRuntime();
  rt.fs.seedFile("/logs/f.log", "12345678");
  const file = new RotatingFile(rt.fs, "/logs/f.log", { maxbytes: 10, backups: 1 });
  equal(file.size, 8);
  file.write(enc.encode("9"));
  equal(rt.fs.text("/logs/f.log"), "123456789");
  file.write(enc.encode("0"));
  deepEqual([rt.fs.text("/logs/f.log"), rt.fs.text("/logs/f.log.1")], ["", "1234567890"]);
  equal(file.size, 0);
});

Deno.test("[LOG.main.file] RotatingFile opens in write mode a special file that refuses append (ESPIPE)", () => {
  const rt = new FakeRuntime();
  rt.fs.seedFile("/dev/special", "");
  const modes: WriteOpenMode[] = [];
  const fs = new Proxy(rt.fs, {
    get(target, key) {
      if (key === "openWriteSync") {
        return (path: string, how: WriteOpenMode, mode?: number) => {
          modes.push(how);
          if (how === "append") throw new RuntimeError(`open '${path}': Illegal seek`, "ESPIPE");
          return target.openWriteSync(path, how, mode);
        };
      }
      const value = Reflect.get(target, key);
      return typeof value === "function" ? value.bind(target) : value;
    },
  }) as FileSystem;
  const file = new RotatingFile(fs, "/dev/special", { maxbytes: 0, backups: 0 });
  file.write(enc.encode("line\n"));
  file.reopen();
  deepEqual(modes, ["append", "truncate", "truncate"], "reopen keeps the write mode");
  equal(rt.fs.text("/dev/special"), "");
});

Deno.test("[LOG.main.rotate] RotatingFile skips missing backups and replaces existing targets", () => {
  const { rt, write, text } = setup(3, 3);
  rt.fs.seedFile("/logs/f.log.2", "old2");
  rt.fs.seedFile("/logs/f.log.3", "old3");
  write("new");
  // .2 -> .3 (replacing old3), .1 is missing and skipped, f.log -> .1
  deepEqual([text(".1"), text(".2"), text(".3")], ["new", undefined, "old2"]);
});

Deno.test("RotatingFile throws when the file cannot be opened at first", () => {
  const rt = new FakeRuntime();
  throws(() => new RotatingFile(rt.fs, "/missing/f.log", { maxbytes: 0, backups: 0 }), (e) => {
    return e instanceof RuntimeError && e.code === "ENOENT";
  });
});

Deno.test("RotatingFile reports a deleted directory once, keeps going and recreates the file later", async () => {
  const { rt, file, write, text, errors } = setup(10, 2);
  write("12345");
  await rt.fs.remove("/logs", { recursive: true });
  write("67890"); // written to the unlinked file, then rotation cannot reopen
  deepEqual(errors, [["rotate", "ENOENT"]]);
  equal(file.isOpen, false);
  write("lost-1");
  write("lost-2");
  equal(errors.length, 1, "a failure streak is reported once");
  rt.fs.seedDir("/logs");
  write("back");
  equal(text(), "back");
  await rt.fs.remove("/logs", { recursive: true });
  write("0123456789");
  equal(errors.length, 2, "a new streak after a good write is reported again");
});

Deno.test("RotatingFile reports a write failure once and recovers when writes succeed again", () => {
  const { rt, write, text, errors } = setup(0, 0);
  write("a");
  rt.fs.failWith("/logs/f.log", "ENOSPC");
  write("b");
  write("c");
  deepEqual(errors, [["write", "ENOSPC"]]);
  rt.fs.failWith("/logs/f.log", null);
  write("d");
  equal(text(), "ad");
});

Deno.test("RotatingFile keeps the data when a backup cannot be renamed", () => {
  const { rt, write, text, errors } = setup(4, 2);
  rt.fs.failWith("/logs/f.log.1", "EACCES");
  write("abcd");
  deepEqual(errors, [["rotate", "EACCES"]]);
  equal(text(), "abcd", "not truncated");
  write("e");
  equal(errors.length, 1);
  equal(text(), "abcde");
  rt.fs.failWith("/logs/f.log.1", null);
  write("f");
  deepEqual([text(), text(".1")], ["", "abcdef"]);
});

Deno.test("RotatingFile.reopen() opens the path again after it was moved away", async () => {
  const { rt, file, write, text } = setup(0, 0);
  write("before\n");
  await rt.fs.rename("/logs/f.log", "/logs/f.log.moved");
  write("still old\n");
  equal(file.reopen(), true);
  write("after\n");
  equal(rt.fs.text("/logs/f.log.moved"), "before\nstill old\n");
  equal(text(), "after\n");
});

Deno.test("RotatingFile.clear() deletes the file and reopens it empty; backups stay", () => {
  const { rt, file, write, text } = setup(6, 1);
  write("123456");
  write("abc");
  file.clear();
  deepEqual([text(), text(".1")], ["", "123456"]);
  equal(file.size, 0);
  write("x");
  equal(text(), "x");
  rt.fs.failWith("/logs/f.log", "EACCES");
  throws(() => file.clear(), (e) => e instanceof RuntimeError && e.code === "EACCES");
  rt.fs.failWith("/logs/f.log", null);
  write("y");
  equal(text(), "xy", "the next write reopens the file");
});

Deno.test("RotatingFile never rotates a file that is not a regular file", () => {
  const rt = new FakeRuntime();
  rt.fs.seedSocket("/dev-like");
  const file = new RotatingFile(rt.fs, "/dev-like", { maxbytes: 1, backups: 1 });
  file.write(enc.encode("abc"));
  equal(rt.fs.exists("/dev-like.1"), false);
  ok(rt.fs.statSync("/dev-like") !== null);
});

Deno.test("RotatingFile.close() drops later writes until reopen()", () => {
  const { file, write, text } = setup(0, 0);
  write("a");
  file.close();
  write("b");
  equal(text(), "a");
  file.reopen();
  write("c");
  equal(text(), "ac");
});

Deno.test("RotatingFile.rotate() rotates now whatever the size, never with no backup to keep, never once closed", () => {
  const { write, text, file } = setup(0, 2);
  write("first");
  equal(file.rotate(), true);
  deepEqual([text(), text(".1")], ["", "first"]);
  write("second");
  equal(file.rotate(), true);
  deepEqual([text(), text(".1"), text(".2")], ["", "second", "first"]);
  file.close();
  equal(file.rotate(), false);
  const none = setup(0, 0);
  none.write("kept");
  equal(none.file.rotate(), false, "backups=0 would truncate the log");
  equal(none.text(), "kept");
});
