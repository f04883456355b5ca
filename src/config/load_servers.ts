/**
 * Reads the HTTP server sections (`[inet_http_server*]`, `[unix_http_server*]`)
 * and the `[rpcinterface:x]` plugin sections.
 *
 * Python counterpart: supervisor/options.py
 * (`ServerOptions.server_configs_from_parser`, `_parse_username_and_password`,
 * `Options.get_plugins`).
 * @module
 */

import { colonSeparatedUserGroup, type GroupEntry, inetAddress, octalType, type PasswdEntry } from "./datatypes.ts";
import { ValueConversionError } from "./errors.ts";
import { abspath, dirname, join, normalizePath } from "./pypath.ts";
import type { OptionReader } from "./_reader.ts";
import { readServerExtensions } from "./load_server_extensions.ts";
import { pyRepr } from "./pyrepr.ts";
import { DEFAULTS, type RpcInterfaceConfig, type ServerConfig } from "./schema.ts";

/** What reading server sections needs. */
export interface ServerContext {
  reader: OptionReader;
  here: string;
  cwd: string;
  home: string | undefined;
  passwd: () => readonly PasswdEntry[];
  groups: () => readonly GroupEntry[];
}

function serverNames(
  reader: OptionReader,
  prefix: string,
): [string | null, string][] {
  return reader.parser.sections()
    .filter((s) => s.startsWith(prefix))
    .map((s) => [s.includes(":") ? s.slice(s.indexOf(":") + 1) : null, s]);
}

function credentials(
  reader: OptionReader,
  section: string,
): { username: string | null; password: string | null } {
  const username = reader.get(section, "username", null);
  const password = reader.get(section, "password", null);
  if ((username === null) !== (password === null)) {
    throw new ValueConversionError(
      `Section [${section}] contains incomplete authentication: If a username or a password is specified, ` +
        "both the username and password must be specified",
    );
  }
  return { username, password };
}

/** The section's extension keys; errors get supervisord's ` in section '…' (file: '…')` suffix. */
function extensions(reader: OptionReader, section: string) {
  try {
    return readServerExtensions((key) => reader.get(section, key, null));
  } catch (e) {
    if (!(e instanceof ValueConversionError)) throw e;
    const file = reader.parser.sectionFile(section) ?? "";
    throw new ValueConversionError(`${e.message} in section ${pyRepr(section)} (file: ${pyRepr(file)})`);
  }
}

/** All HTTP servers: every inet one first, then every unix one. */
export function serverConfigsFromParser(ctx: ServerContext): ServerConfig[] {
  const { reader } = ctx;
  const configs: ServerConfig[] = [];
  for (const [name, section] of serverNames(reader, "inet_http_server")) {
    const auth = credentials(reader, section);
    const port = reader.get(section, "port", null);
    if (port === null) {
      throw new ValueConversionError(`section [${section}] has no port value`);
    }
    const { host, port: portNumber } = inetAddress(port);
    configs.push({
      family: "inet",
      name,
      section,
      ...auth,
      host,
      port: portNumber,
      ...extensions(reader, section),
    });
  }
  for (const [name, section] of serverNames(reader, "unix_http_server")) {
    const file = reader.get(section, "file", null, { here: ctx.here });
    if (file === null) {
      throw new ValueConversionError(`section [${section}] has no file value`);
    }
    const auth = credentials(reader, section);
    const chownRaw = reader.get(section, "chown", null);
    let chown: [number, number] = [-1, -1];
    if (chownRaw !== null) {
      try {
        const { uid, gid } = colonSeparatedUserGroup(
          chownRaw,
          ctx.passwd(),
          ctx.groups(),
        );
        chown = [uid, gid];
      } catch {
        throw new ValueConversionError(`Invalid sockchown value ${chownRaw}`);
      }
    }
    const chmodRaw = reader.get(section, "chmod", null);
    let chmod = octalType(DEFAULTS.unix_http_server.chmod);
    if (chmodRaw !== null) {
      try {
        chmod = octalType(chmodRaw);
      } catch {
        throw new ValueConversionError(`Invalid chmod value ${chmodRaw}`);
      }
    }
    const path = normalizePath(file.trim(), ctx.cwd, ctx.home);
    configs.push({
      family: "unix",
      name,
      section,
      file: path,
      ...auth,
      chmod,
      chown,
      ...extensions(reader, section),
    });
  }
  return configs;
}

const FACTORY_KEY = "supervisor.rpcinterface_factory";

/** `PATH:EXPORT` where PATH names a TypeScript or JavaScript module (EXTENSIONS §11). */
const MODULE_FACTORY = /^(.+\.(?:ts|js|mjs)):([A-Za-z_$][\w$]*)$/;

/**
 * The `[rpcinterface:x]` sections. A factory is supervisor's own (one of
 * `knownFactories`) or, as an extension, a module path with an export
 * (`PATH.ts:EXPORT`, also `.js` and `.mjs`; a relative PATH is taken from
 * the directory of the file holding the section). Any other spec cannot be
 * resolved, as an uninstalled module could not be in Python.
 *
 * `extras` are the section's own other keys: keys inherited from
 * `[DEFAULT]` are left out (SURFACE INI.default, decided: they do not
 * break `[rpcinterface:supervisor]`).
 */
export function rpcInterfacesFromParser(
  reader: OptionReader,
  knownFactories: readonly string[],
  cwd: string,
): RpcInterfaceConfig[] {
  const out: RpcInterfaceConfig[] = [];
  for (
    const section of reader.parser.sections().filter((s) => s.startsWith("rpcinterface:"))
  ) {
    const name = section.slice(section.indexOf(":") + 1);
    const factory = reader.get(section, FACTORY_KEY, null);
    if (factory === null) {
      throw new ValueConversionError(
        `section [${section}] does not specify a ${FACTORY_KEY}`,
      );
    }
    const spec = factory.trim();
    const module = knownFactories.includes(spec) ? null : moduleFactory(reader, section, spec, cwd);
    if (!knownFactories.includes(spec) && module === null) {
      throw new ValueConversionError(
        `${factory} cannot be resolved within [${section}]`,
      );
    }
    const extras: Record<string, string> = {};
    for (const [key] of reader.parser.ownItems(section)) {
      if (key !== FACTORY_KEY) extras[key] = reader.get(section, key, "") ?? "";
    }
    out.push({ name, factory: spec, extras, module });
  }
  return out;
}

function moduleFactory(
  reader: OptionReader,
  section: string,
  spec: string,
  cwd: string,
): RpcInterfaceConfig["module"] {
  const match = MODULE_FACTORY.exec(spec);
  if (match === null) return null;
  const file = reader.parser.sectionFile(section);
  const base = file === undefined ? cwd : dirname(abspath(file, cwd));
  return { path: abspath(join(base, match[1]!), cwd), exportName: match[2]! };
}
