/**
 * Opening supervisord's HTTP servers: one listener per `[inet_http_server]`
 * and `[unix_http_server]` section, each with its own handler (auth differs
 * per section). Unix sockets replace a stale socket file, refuse to start
 * when a live server answers on it, and get their `chmod`/`chown`; bind
 * failures become supervisord's startup error texts.
 *
 * Python counterpart: supervisor/http.py (`make_http_servers`,
 * `supervisor_af_unix_http_server`), supervisor/options.py
 * (`ServerOptions.openhttpservers`).
 * @module
 */

import { ConfigError } from "../config/errors.ts";
import type { ServerConfig } from "../config/schema.ts";
import type { Logger } from "../logging/types.ts";
import { AddressInUseError, RuntimeError } from "../runtime/errors.ts";
import type { Endpoint, Handler, Listener, Runtime } from "../runtime/types.ts";

const IN_USE = "Another program is already listening on a port that one of our HTTP servers is configured " +
  "to use.  Shut this program down first before starting supervisord.";

/** Opens every server; on failure closes those already open and throws a ConfigError (usage exit 2). */
export async function openHttpServers(
  rt: Runtime,
  logger: Logger,
  configs: readonly ServerConfig[],
  opts: {
    configfile: string;
    /**
     * Makes the RPC namespaces once the server is bound, as Python does per
     * server; resolves to their names. Called once per server.
     */
    rpcInterfaces: () => Promise<readonly string[]>;
    handlerFor: (config: ServerConfig) => Handler;
  },
): Promise<Listener[]> {
  const listeners: Listener[] = [];
  try {
    for (const config of configs) {
      const handler = opts.handlerFor(config);
      listeners.push(await open(rt, config, handler));
      for (const name of await opts.rpcInterfaces()) logger.info(`RPC interface '${name}' initialized`);
      if (!config.username) {
        logger.critical(`Server '${config.section}' running without any HTTP authentication checking`);
      }
    }
  } catch (e) {
    await Promise.all(listeners.map((l) => l.close()));
    if (e instanceof AddressInUseError) throw new ConfigError(IN_USE, opts.configfile);
    if (e instanceof RuntimeError) {
      const detail = e.errno ? `errno.${e.code} (${e.errno})` : e.code;
      throw new ConfigError(`Cannot open an HTTP server: socket.error reported ${detail}`, opts.configfile);
    }
    throw e;
  }
  return listeners;
}

async function open(rt: Runtime, config: ServerConfig, handler: Handler): Promise<Listener> {
  if (config.family === "inet") {
    return await rt.serve({ transport: "tcp", hostname: config.host, port: config.port }, handler);
  }
  const at: Endpoint = { transport: "unix", path: config.file };
  if ((await rt.fs.stat(config.file)) !== null || await isSocketFile(rt, config.file)) {
    if (await answers(rt, at)) throw new AddressInUseError(`bind ${config.file}: Address already in use`);
    rt.stderr.write(`Unlinking stale socket ${config.file}\n`);
    await rt.fs.remove(config.file).catch(() => {});
  }
  const listener = await rt.serve(at, handler);
  await rt.fs.chmod(config.file, config.chmod);
  const [uid, gid] = config.chown;
  if (uid !== -1 || gid !== -1) {
    try {
      await rt.fs.chown(config.file, uid, gid);
    } catch {
      await listener.close();
      throw new ConfigError(
        `Not permitted to chown ${config.file} to uid/gid (${uid}, ${gid}); adjust "sockchown" value in config ` +
          `file or on command line to values that the current user (${userName(rt)}) can successfully chown`,
        config.file,
      );
    }
  }
  return listener;
}

/** A dangling symlink or unreadable entry still blocks bind(); treat any lstat-visible entry as present. */
async function isSocketFile(rt: Runtime, path: string): Promise<boolean> {
  try {
    const dir = path.slice(0, path.lastIndexOf("/")) || "/";
    return (await rt.fs.readDir(dir)).includes(path.slice(path.lastIndexOf("/") + 1));
  } catch {
    return false;
  }
}

/** True when a server answers `GET /` on the socket (Python's liveness probe). */
async function answers(rt: Runtime, at: Endpoint): Promise<boolean> {
  try {
    const res = await rt.request(at, new Request("http://localhost/", { method: "GET" }));
    await res.body?.cancel();
    return true;
  } catch {
    return false;
  }
}

function userName(rt: Runtime): string {
  return rt.env().USER ?? String(rt.uid());
}
