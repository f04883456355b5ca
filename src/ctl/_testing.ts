/**
 * Test support for the client: a stub supervisord served in memory by
 * `FakeRuntime` (XML-RPC methods the test defines, optional basic auth,
 * streamed log tails the test feeds), and a helper that runs one client
 * invocation and returns its exit status and output.
 *
 * Python counterpart: supervisor/tests/base.py (`DummyRPCServer`,
 * `DummySupervisorRPCNamespace`), which the Python client tests use.
 * @module
 */

import { FakeRuntime } from "../runtime/fake.ts";
import { decodeMethodCall, encodeFault, encodeMethodResponse, type XmlRpcValue } from "../rpc/xmlrpc_codec.ts";
import { runCtl } from "./main.ts";

/** A fault a stub method throws. */
export class StubFault extends Error {
  constructor(readonly code: number, readonly faultString: string) {
    super(faultString);
  }
}

/** A stub method: gets the call's parameters, returns the result or throws a {@linkcode StubFault}. */
export type StubMethod = (...params: XmlRpcValue[]) => XmlRpcValue | Promise<XmlRpcValue>;

/** A streamed tail body the test writes to and ends. */
export interface StubTail {
  write(text: string): void;
  end(): void;
}

/** The stub server: calls made, and tails to feed. */
export interface Stub {
  /** `[method, params]` of every XML-RPC call, in order. */
  calls: Array<[string, XmlRpcValue[]]>;
  /** Authorization headers seen, in order. */
  auth: Array<string | null>;
  /** Requested tail paths with their open bodies. */
  tails: Map<string, StubTail>;
  /** Paths answered 404. */
  missing: Set<string>;
  /** The methods; tests may replace entries between commands. */
  methods: Record<string, StubMethod>;
}

/** Default `supervisor.getVersion` answer, so upcheck passes. */
export const BASE_METHODS: Record<string, StubMethod> = {
  "supervisor.getVersion": () => "3.0",
};

function tailBody(stub: Stub, path: string): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    start(c) {
      stub.tails.set(path, { write: (t) => c.enqueue(enc.encode(t)), end: () => c.close() });
    },
  });
}

function base64Utf8(text: string): string {
  return btoa(String.fromCharCode(...new TextEncoder().encode(text)));
}

async function rpcReply(stub: Stub, req: Request): Promise<Response> {
  const call = decodeMethodCall(new Uint8Array(await req.arrayBuffer()), { dialect: "supervisor" });
  stub.calls.push([call.methodName, call.params]);
  const method = stub.methods[call.methodName];
  let body: string;
  try {
    if (method === undefined) throw new StubFault(1, "UNKNOWN_METHOD");
    body = encodeMethodResponse(await method(...call.params));
  } catch (e) {
    if (!(e instanceof StubFault)) throw e;
    body = encodeFault(e.code, e.faultString);
  }
  return new Response(body, { headers: { "content-type": "text/xml" } });
}

/**
 * Serves a stub supervisord on `rt` at unix socket `path`.
 * With `credentials` ("user:pass"), requests without them get 401.
 */
export async function serveStub(
  rt: FakeRuntime,
  methods: Record<string, StubMethod>,
  opts: { path?: string; credentials?: string } = {},
): Promise<Stub> {
  const stub: Stub = {
    calls: [],
    auth: [],
    tails: new Map(),
    missing: new Set(),
    methods: { ...BASE_METHODS, ...methods },
  };
  const expected = opts.credentials === undefined ? null : `Basic ${base64Utf8(opts.credentials)}`;
  await rt.serve({ transport: "unix", path: opts.path ?? "/run/s.sock" }, (req) => {
    const auth = req.headers.get("authorization");
    stub.auth.push(auth);
    if (expected !== null && auth !== expected) {
      return Promise.resolve(new Response("", { status: 401, statusText: "Unauthorized" }));
    }
    const path = new URL(req.url).pathname;
    if (req.method === "POST" && path === "/RPC2") return rpcReply(stub, req);
    if (stub.missing.has(path)) return Promise.resolve(new Response("", { status: 404, statusText: "Not Found" }));
    return Promise.resolve(new Response(tailBody(stub, path)));
  });
  return stub;
}

/** What one client run produced. */
export interface CtlRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the client on `rt` with `args` (a `-s unix:///run/s.sock` is put in
 * front unless the args carry `-s` or `-c`), and returns what it printed
 * during this run.
 */
export async function ctl(rt: FakeRuntime, args: readonly string[]): Promise<CtlRun> {
  const out = rt.stdoutText().length;
  const err = rt.stderrText().length;
  const full = args.includes("-s") || args.includes("-c") ? args : ["-s", "unix:///run/s.sock", ...args];
  const code = await runCtl(rt, full, { progname: "supervisorctl", argv0: "/usr/bin/supervisorctl" });
  return { code, stdout: rt.stdoutText().slice(out), stderr: rt.stderrText().slice(err) };
}

/** A fake runtime with a config-free environment (no default config file exists). */
export function fakeRuntime(): FakeRuntime {
  return new FakeRuntime({ env: { PATH: "/usr/bin:/bin", HOME: "/root", LANG: "C.UTF-8" }, cwd: "/home" });
}

/** A `getAllProcessInfo` struct. */
export function info(
  group: string,
  name: string,
  state: number,
  statename: string,
  description: string,
  pid = 0,
): Record<string, XmlRpcValue> {
  return { name, group, start: 0, stop: 0, now: 0, state, statename, spawnerr: "", exitstatus: 0, pid, description };
}
