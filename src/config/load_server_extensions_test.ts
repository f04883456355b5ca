import assert from "node:assert/strict";
import { ConfigError } from "./errors.ts";
import { loadConfig } from "./load.ts";
import { metricsFamilies, readServerExtensions } from "./load_server_extensions.ts";
import { defaultServerExtensions } from "./schema.ts";
import { hostOf } from "./_testing.ts";
import { canAskPython, pythonLoadErrors } from "../../compat-tests/_python_accepts.ts";

/** Configs using every server extension key; supervisord 4.2.5 must load each of them. */
const EXTENDED = [
  `[supervisord]
[unix_http_server]
file={TMP}/s.sock
api=false
metrics=true
metrics_auth=false
metrics_families=native, node supervisor_exporter
metrics_process_tree=true
[inet_http_server]
port=127.0.0.1:9001
username=u
password=p
api=true
metrics=yes
metrics_families=node
[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface
`,
  `[supervisord]
[inet_http_server]
port=127.0.0.1:9002
metrics=%(ENV_HOME)s
`,
];

const keys = (map: Record<string, string>) => (key: string) => map[key] ?? null;

Deno.test("server extension keys default to the API on, metrics off", () => {
  assert.deepEqual(readServerExtensions(keys({})), defaultServerExtensions());
  assert.deepEqual(defaultServerExtensions(), {
    api: true,
    metrics: false,
    metrics_auth: true,
    metrics_families: ["native", "node"],
    metrics_process_tree: false,
  });
});

Deno.test("server extension keys are read as booleans and a family list", () => {
  const ext = readServerExtensions(keys({
    api: "false",
    metrics: "yes",
    metrics_auth: "off",
    metrics_families: "node,\n supervisor_exporter NATIVE node",
    metrics_process_tree: "1",
  }));
  assert.deepEqual(ext, {
    api: false,
    metrics: true,
    metrics_auth: false,
    metrics_families: ["node", "supervisor_exporter", "native"],
    metrics_process_tree: true,
  });
  assert.deepEqual(metricsFamilies(""), []);
});

Deno.test("a bad server extension value is a load error naming the section and file", () => {
  const bad = (line: string) => () =>
    loadConfig(
      "supervisord.conf",
      hostOf({ "/etc/sv/supervisord.conf": `[supervisord]\n[inet_http_server]\nport=127.0.0.1:9001\n${line}\n` }),
    );
  assert.throws(bad("metrics_families = native prom"), (e: unknown) =>
    e instanceof ConfigError &&
    e.message ===
      "metrics_families entries must be native, node, supervisor_exporter (got 'prom') in section 'inet_http_server' " +
        "(file: 'supervisord.conf')");
  assert.throws(
    bad("api = maybe"),
    (e: unknown) =>
      e instanceof ConfigError &&
      e.message.startsWith("not a valid boolean value: 'maybe' in section 'inet_http_server'"),
  );
});

Deno.test("loadConfig() reads the extension keys of each server section", () => {
  const conf = `[supervisord]
[unix_http_server]
file=/tmp/s.sock
api=false
[inet_http_server]
port=127.0.0.1:9001
metrics=true
metrics_auth=false
`;
  const cfg = loadConfig("supervisord.conf", hostOf({ "/etc/sv/supervisord.conf": conf }));
  const [inet, unix] = cfg.servers;
  assert.equal(inet?.api, true);
  assert.equal(inet?.metrics, true);
  assert.equal(inet?.metrics_auth, false);
  assert.equal(unix?.api, false);
  assert.equal(unix?.metrics, false);
});

Deno.test("configs with every server extension key load here and in supervisord 4.2.5", {
  ignore: !canAskPython,
}, () => {
  const first = loadConfig("/etc/sv/a.conf", hostOf({ "/etc/sv/a.conf": EXTENDED[0]!.replaceAll("{TMP}", "/tmp") }));
  assert.equal(first.servers.length, 2);
  assert.deepEqual(pythonLoadErrors([EXTENDED[0]!]), [null]);
  // An unknown key is never expanded by Python, so even a value that is no boolean here loads there.
  assert.deepEqual(pythonLoadErrors([EXTENDED[1]!]), [null]);
});
