/**
 * Differential test of the INI reader against Python's configparser as
 * supervisord 4.2.5 configures it: every case is parsed by
 * compat-tests/ini_dump.py (one /usr/bin/python3 process for the whole
 * corpus) and by {@linkcode IniParser}, and the results must be identical.
 *
 * Corpus: supervisor's own test fixtures and sample.conf (read in place),
 * the edge cases under compat-tests/fixtures/ini/ (a directory there is one
 * case whose files are read in name order into one parser, the first as the
 * main file and the rest as includes), and a few large files generated at
 * run time (very long lines, wide line numbers, 8 KiB decode chunks).
 *
 * Python counterpart: /usr/lib/python3.11/configparser.py and
 * supervisor/options.py (`UnhosedConfigParser`).
 * @module
 */

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { IniError, IniParser } from "../src/config/ini.ts";

const PYTHON = "/usr/bin/python3";
const SUPERVISOR = "/usr/lib/python3/dist-packages/supervisor";
const HERE = decodeURIComponent(new URL(".", import.meta.url).pathname);
const OWN_FIXTURES = join(HERE, "fixtures", "ini");

/** What one case parsed to, in the shape ini_dump.py prints. */
type Dump =
  | {
    sections: Array<[string, Array<[string, string]>]>;
    defaults: Array<[string, string]>;
    options: Record<string, string[]>;
    items: Record<string, Array<[string, string]>>;
    files: Record<string, string>;
  }
  | { error: string; type: string };

interface Case {
  /** Name shown in the test title. */
  label: string;
  /** Files read into one parser, in order. */
  paths: string[];
}

function confFilesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...confFilesUnder(path));
    else if (name.endsWith(".conf")) out.push(path);
  }
  return out;
}

function supervisorCases(): Case[] {
  const paths = confFilesUnder(join(SUPERVISOR, "tests", "fixtures"));
  const sample = join(SUPERVISOR, "skel", "sample.conf");
  if (existsSync(sample)) paths.push(sample);
  return paths.map((path) => ({
    label: `supervisor/${relative(SUPERVISOR, path)}`,
    paths: [path],
  }));
}

function ownCases(): Case[] {
  const cases: Case[] = [];
  for (const name of readdirSync(OWN_FIXTURES).sort()) {
    const path = join(OWN_FIXTURES, name);
    if (statSync(path).isDirectory()) {
      const files = readdirSync(path).sort().map((f) => join(path, f));
      cases.push({ label: `fixtures/ini/${name}/`, paths: files });
    } else if (name.endsWith(".conf")) {
      cases.push({ label: `fixtures/ini/${name}`, paths: [path] });
    }
  }
  return cases;
}

const enc = new TextEncoder();

function bytes(...parts: Array<string | number[]>): Uint8Array {
  const chunks = parts.map((p) => typeof p === "string" ? enc.encode(p) : Uint8Array.from(p));
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Files too large to keep as fixtures; 8192 is Python's decode chunk. */
function generatedFiles(): Record<string, Uint8Array> {
  const hashes = (n: number) => "#".repeat(n);
  const numbered = Array.from({ length: 120 }, (_, i) => {
    const n = i + 1;
    if (n === 1) return "[s]\n";
    return [5, 10, 99, 105].includes(n) ? `bad ${n}\n` : `k${n}=v\n`;
  });
  return {
    "long_lines.conf": bytes(
      "[s]\nk=",
      "x".repeat(200_000),
      " ;c\n",
      "K".repeat(5000),
      "=v\n  ",
      "y;".repeat(50_000),
      "#z\n",
    ),
    "long_bad_line.conf": bytes("[s]\n", "y".repeat(100_000), "\n"),
    "line_number_widths.conf": bytes(numbered.join("")),
    "chunk_header_error_before_bad_chunk.conf": bytes(
      "garbage\n",
      hashes(9000),
      "\n",
      [0xff],
      "\n",
    ),
    "chunk_header_error_after_bad_chunk.conf": bytes(
      hashes(9000),
      [0xff],
      "\ngarbage\n",
    ),
    "chunk_line_spans_boundary.conf": bytes(
      hashes(8185),
      "\ngarbage\n",
      [0xff],
    ),
    "chunk_line_ends_at_boundary.conf": bytes(
      hashes(8183),
      "\ngarbage\n",
      [0xff],
    ),
    "chunk_cr_at_boundary.conf": bytes(hashes(8184), "\ngarbag\r\n", [0xff]),
    "chunk_lone_cr_at_boundary.conf": bytes(hashes(8184), "\ngarbag\r", [0xff]),
    "chunk_pending_multibyte.conf": bytes(hashes(8190), "\u4e2d", [0xff]),
    "chunk_pending_then_invalid.conf": bytes(hashes(8191), [0xe4, 0x41]),
    "chunk_held_surrogate.conf": bytes(hashes(8190), [0xed, 0xa0, 0x80]),
    "chunk_truncated_at_eof.conf": bytes("[s]\n", hashes(8200), "\n", [
      0xe4,
      0xb8,
    ]),
    "chunk_parse_error_then_bad_chunk.conf": bytes(
      "[s]\ngarbage\n",
      hashes(20_000),
      "\n",
      [0xc3],
      "\n",
    ),
    "chunk_exact_multiple.conf": bytes(
      "[s]\nk=",
      "\u00e9".repeat(8188),
      "\n",
      "j=",
      "v".repeat(8188),
      "\n",
    ),
    "chunk_valid_multibyte_across.conf": bytes(
      "[s]\nk=",
      "\u65e5\u00e9\u{1F600}".repeat(3000),
      "\r\n  ",
      "\u2603".repeat(5000),
      "\r",
    ),
  };
}

function generatedCases(dir: string): Case[] {
  return Object.entries(generatedFiles()).map(([name, data]) => {
    const path = join(dir, name);
    writeFileSync(path, data);
    return { label: `generated/${name}`, paths: [path] };
  });
}

function pythonDumps(cases: Case[]): Dump[] {
  const run = spawnSync(PYTHON, [join(HERE, "ini_dump.py")], {
    input: JSON.stringify(cases.map((c) => c.paths)),
    encoding: "utf8",
    maxBuffer: 1 << 30,
    // Python's text-mode open() uses the locale encoding; supervisord's
    // configs are UTF-8 in practice, which is what IniParser implements.
    env: { LC_ALL: "C.UTF-8", PYTHONUTF8: "1", PYTHONDONTWRITEBYTECODE: "1" },
  });
  if (run.status !== 0) {
    throw new Error(`ini_dump.py failed (${run.status}): ${run.stderr}`);
  }
  return JSON.parse(run.stdout) as Dump[];
}

function ourDump(paths: string[], contents: Map<string, Uint8Array>): Dump {
  const parser = new IniParser();
  try {
    for (const path of paths) parser.readBytes(contents.get(path)!, path);
  } catch (e) {
    if (e instanceof IniError) return { error: e.message, type: e.kind };
    throw e;
  }
  const names = parser.sections();
  return {
    sections: names.map((name) => [name, parser.ownItems(name)]),
    defaults: [...parser.defaults()],
    options: Object.fromEntries(names.map((n) => [n, parser.options(n)])),
    items: Object.fromEntries(names.map((n) => [n, parser.items(n)])),
    files: Object.fromEntries(names.map((n) => [n, parser.sectionFile(n)!])),
  };
}

function show(dump: Dump | undefined): string {
  const text = JSON.stringify(dump);
  return text.length > 4000 ? text.slice(0, 4000) + "…" : text;
}

if (!existsSync(PYTHON)) {
  Deno.test({
    name: `IniParser matches Python configparser (skipped: ${PYTHON} missing)`,
    ignore: true,
    fn() {},
  });
} else {
  const own = ownCases();
  const scratch = mkdtempSync(join(tmpdir(), "ini-differential-"));
  const cases = [...supervisorCases(), ...own, ...generatedCases(scratch)];
  // Every file is read once here, so the generated ones can go right away.
  const contents = new Map(
    cases.flatMap((c) => c.paths).map((p) => [p, readFileSync(p)]),
  );
  let expected: Dump[];
  try {
    expected = pythonDumps(cases);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }

  Deno.test("IniParser corpus has at least 40 own edge-case fixtures", () => {
    assert.ok(own.length >= 40, `only ${own.length} fixtures`);
    assert.equal(expected.length, cases.length);
  });

  cases.forEach((c, i) => {
    Deno.test(`[INI.section,INI.option,INI.nodelim,INI.comment.full,INI.comment.inline,INI.continuation,INI.blanklines,INI.sectionreset,INI.nosection,INI.duplicates,INI.default,INI.errors,INI.encoding] IniParser.readBytes() matches Python on ${c.label}`, () => {
      const ours = ourDump(c.paths, contents);
      const python = expected[i];
      assert.deepEqual(
        ours,
        python,
        `${c.label} differs\n  ours:   ${show(ours)}\n  python: ${show(python)}`,
      );
    });
  });
}
