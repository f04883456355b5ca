import { deepEqual, equal } from "node:assert/strict";
import { FakeRuntime } from "../runtime/fake.ts";
import { autoChildLogPattern, cleanupAutoChildLogs } from "./childlog_cleanup.ts";
import { createMainLogger } from "./main_logger.ts";

/** Names and whether Python's `re.compile(r'.+?---supervisor-\S+\.log\.{0,1}\d{0,4}').match` accepts them. */
const PYTHON_VERDICTS: Array<[string, boolean]> = [
  ["web-stdout---supervisor-abcd1234.log", true],
  ["web-stdout---supervisor-abcd1234.log.1", true],
  ["web-stdout---supervisor-abcd1234.log.10", true],
  ["x---supervisor-y.log", true],
  ["---supervisor-y.log", false],
  ["web-stdout---other-abcd1234.log", false],
  ["web-stdout---supervisor-abcd1234.txt", false],
  ["web-stdout---supervisor-.log", false],
  ["web-stdout---supervisor-a b.log", false],
  ["prefix-web-stdout---supervisor-zz.logfile", true],
  ["a\n---supervisor-z.log", false],
  ["web.log", false],
  ["my---supervisor-x.log.bak", true],
];

Deno.test("[LOG.child.cleanup] the AUTO log pattern is Python's, anchored at the start only", () => {
  const pattern = autoChildLogPattern("supervisor");
  for (const [name, verdict] of PYTHON_VERDICTS) equal(pattern.test(name), verdict, JSON.stringify(name));
  // The identifier is a regular expression, unescaped (Python matches 'a---supXr-b.log' for 'sup.r').
  equal(autoChildLogPattern("sup.r").test("a---supXr-b.log"), true);
});

function setup() {
  const rt = new FakeRuntime();
  rt.fs.seedDir("/var/log");
  const logger = createMainLogger(rt, {
    logfile: "/var/log/main.log",
    maxbytes: 0,
    backups: 0,
    level: "info",
    echo: null,
  });
  return { rt, logger, warnings: () => (rt.fs.text("/var/log/main.log") ?? "").split("\n").filter(Boolean) };
}

Deno.test("[LOG.child.cleanup] cleanupAutoChildLogs() deletes this identifier's AUTO logs and backups only", () => {
  const { rt, logger, warnings } = setup();
  const dir = "/tmp/children";
  for (const [name] of PYTHON_VERDICTS) if (!name.includes("\n")) rt.fs.seedFile(`${dir}/${name}`, "x");
  cleanupAutoChildLogs(rt, logger, dir, "supervisor");
  deepEqual(rt.fs.readDirSync(dir).sort(), [
    "---supervisor-y.log",
    "web-stdout---other-abcd1234.log",
    "web-stdout---supervisor-.log",
    "web-stdout---supervisor-a b.log",
    "web-stdout---supervisor-abcd1234.txt",
    "web.log",
  ]);
  deepEqual(warnings(), []);
});

Deno.test("[LOG.child.cleanup,MLOG.cleanup] cleanup failures are logged at WARN with Python's texts", () => {
  const { rt, logger, warnings } = setup();
  rt.fs.seedDir("/c/web-stdout---supervisor-dir.log");
  rt.fs.seedFile("/c/web-stderr---supervisor-ok.log", "");
  cleanupAutoChildLogs(rt, logger, "/c", "supervisor");
  cleanupAutoChildLogs(rt, logger, "/nonexistent", "supervisor");
  deepEqual(warnings().map((l) => l.slice(24)), [
    "WARN Failed to clean up '/c/web-stdout---supervisor-dir.log'",
    "WARN Could not clear childlog dir",
  ]);
  equal(rt.fs.exists("/c/web-stderr---supervisor-ok.log"), false);
  equal(rt.fs.exists("/c/web-stdout---supervisor-dir.log"), true, "directories are not removed");
});
