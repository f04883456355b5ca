import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SAMPLE_SUPERVISORD_CONF } from "./sample_conf.ts";

const PYTHON = "/usr/bin/python3";
const ECHO_CONF = "/usr/bin/echo_supervisord_conf";

// Reads an INI text from stdin the way supervisord does (inline ; and #
// comments, non-strict) and prints its sections and values as JSON. It also
// parses the text with a default strict ConfigParser, which fails on
// duplicate sections or keys.
const ACTIVE_SETTINGS_PY = `
import configparser, json, sys
text = sys.stdin.read()
configparser.ConfigParser().read_string(text)
p = configparser.RawConfigParser(inline_comment_prefixes=(';', '#'), strict=False)
p.read_string(text)
print(json.dumps({s: dict(p.items(s)) for s in p.sections()}, sort_keys=True))
`;

function activeSettings(text: string): unknown {
  const res = spawnSync(PYTHON, ["-c", ACTIVE_SETTINGS_PY], {
    input: text,
    encoding: "utf8",
  });
  assert.equal(res.status, 0, res.stderr);
  return JSON.parse(res.stdout);
}

Deno.test("SAMPLE_SUPERVISORD_CONF ends with a newline and has no tabs or trailing blanks", () => {
  assert.ok(SAMPLE_SUPERVISORD_CONF.endsWith("\n"));
  for (const line of SAMPLE_SUPERVISORD_CONF.split("\n")) {
    assert.ok(!/[ \t]$/.test(line), `trailing blank: ${JSON.stringify(line)}`);
    assert.ok(!line.includes("\t"));
  }
});

Deno.test("SAMPLE_SUPERVISORD_CONF mentions every section type supervisord reads", () => {
  for (
    const header of [
      "[unix_http_server]",
      ";[inet_http_server]",
      "[supervisord]",
      "[rpcinterface:supervisor]",
      "[supervisorctl]",
      ";[ctlplugin:",
      ";[program:",
      ";[eventlistener:",
      ";[fcgi-program:",
      ";[group:",
      ";[include]",
    ]
  ) {
    assert.ok(SAMPLE_SUPERVISORD_CONF.includes(`\n${header}`), header);
  }
});

Deno.test({
  name: "SAMPLE_SUPERVISORD_CONF activates the same sections and values as echo_supervisord_conf",
  ignore: !existsSync(PYTHON) || !existsSync(ECHO_CONF),
  fn() {
    const reference = spawnSync(ECHO_CONF, [], { encoding: "utf8" });
    assert.equal(reference.status, 0, reference.stderr);
    assert.deepEqual(
      activeSettings(SAMPLE_SUPERVISORD_CONF),
      activeSettings(reference.stdout),
    );
  },
});

Deno.test({
  name: "SAMPLE_SUPERVISORD_CONF is accepted by Python supervisord's option processing",
  ignore: !existsSync(PYTHON) ||
    !existsSync("/usr/lib/python3/dist-packages/supervisor"),
  fn() {
    const dir = mkdtempSync(join(tmpdir(), "sample-conf-"));
    try {
      const file = join(dir, "supervisord.conf");
      writeFileSync(file, SAMPLE_SUPERVISORD_CONF);
      const script = "import sys\nfrom supervisor.options import ServerOptions\n" +
        "o = ServerOptions()\no.realize(['-c', sys.argv[1]])\n" +
        "print(o.logfile, o.pidfile, o.loglevel, o.nodaemon, len(o.server_configs))";
      const res = spawnSync(PYTHON, ["-c", script, file], { encoding: "utf8" });
      assert.equal(res.status, 0, res.stderr);
      assert.equal(
        res.stdout,
        "/tmp/supervisord.log /tmp/supervisord.pid 20 False 1\n",
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
});

// Uncomments every inactive section header and setting, except the account
// names (which depend on the machine) and the client-only plugin section.
function everythingEnabled(text: string): string {
  return text.split("\n")
    .map((line) => line.replace(/^;(\[|[a-z_.]+ ?=)/, "$1"))
    .filter((line) => !/^(user=|\[ctlplugin:|supervisor\.ctl_factory)/.test(line))
    .join("\n");
}

Deno.test({
  name: "SAMPLE_SUPERVISORD_CONF example values are all valid for Python supervisord",
  ignore: !existsSync(PYTHON) ||
    !existsSync("/usr/lib/python3/dist-packages/supervisor"),
  fn() {
    const dir = mkdtempSync(join(tmpdir(), "sample-conf-"));
    try {
      const file = join(dir, "supervisord.conf");
      writeFileSync(file, everythingEnabled(SAMPLE_SUPERVISORD_CONF));
      const script = "import sys\nfrom supervisor.options import ServerOptions\n" +
        "o = ServerOptions()\no.realize(['-c', sys.argv[1]])\n" +
        "print(sorted(g.name for g in o.process_group_configs), len(o.server_configs))";
      const res = spawnSync(PYTHON, ["-c", script, file], { encoding: "utf8" });
      assert.equal(res.status, 0, res.stderr);
      assert.equal(res.stdout, "['theeventlistenername', 'thegroupname'] 2\n");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
});
