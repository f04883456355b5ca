/**
 * Builds the process groups of a config: `[group:x]` (heterogeneous),
 * `[program:x]`, `[eventlistener:x]` pools and `[fcgi-program:x]`, in
 * supervisord's order and with its error texts.
 *
 * Python counterpart: supervisor/options.py
 * (`ServerOptions.process_groups_from_parser`, `parse_fcgi_socket`).
 * @module
 */

import {
  boolean,
  colonSeparatedUserGroup,
  type GroupEntry,
  integer,
  listOfStrings,
  nameToUid,
  octalType,
  processOrGroupName,
} from "./datatypes.ts";
import { ValueConversionError } from "./errors.ts";
import { normalizePath } from "./pypath.ts";
import { pyRepr } from "./pyrepr.ts";
import { processesFromSection, type ProgramContext } from "./load_programs.ts";
import {
  compareConfigs,
  DEFAULT_RESULT_HANDLER,
  DEFAULTS,
  EVENT_TYPE_NAMES,
  type FcgiSocketConfig,
  type ProcessConfig,
  type ProcessGroupConfig,
} from "./schema.ts";

/** What building groups needs besides the program context. */
export interface GroupContext extends ProgramContext {
  uid: number;
  cwd: string;
  home: string | undefined;
  groups: () => readonly GroupEntry[];
}

/** Every process group the config defines, sorted by (priority, name). */
export function processGroupsFromParser(
  ctx: GroupContext,
): ProcessGroupConfig[] {
  const all = ctx.reader.parser.sections();
  const excluded = new Set<string>();
  const groups: ProcessGroupConfig[] = [];
  const get = (
    section: string,
    opt: string,
    fallback: string | null,
    extra = {},
  ) => ctx.reader.get(section, opt, fallback, { here: ctx.here, ...extra });
  const priorityOf = (section: string, fallback: string) => integer(get(section, "priority", fallback) ?? fallback);

  for (let section of all.filter((s) => s.startsWith("group:"))) {
    const name = processOrGroupName(section.slice("group:".length));
    const programs = listOfStrings(
      get(section, "programs", DEFAULTS.group.programs) ?? "",
    );
    const priority = priorityOf(section, DEFAULTS.group.priority);
    const processes: ProcessConfig[] = [];
    for (const program of programs) {
      const asProgram = `program:${program}`;
      const asFcgi = `fcgi-program:${program}`;
      const hasProgram = all.includes(asProgram);
      const hasFcgi = all.includes(asFcgi);
      if (!hasProgram && !hasFcgi) {
        throw new ValueConversionError(
          `[${section}] names unknown program or fcgi-program ${program}`,
        );
      }
      if (hasProgram && hasFcgi) {
        throw new ValueConversionError(
          `[${section}] name ${program} is ambiguous (exists as program and fcgi-program)`,
        );
      }
      // Python reuses its loop variable here, so later messages of this
      // group name the member section (SURFACE CFGERR.catalogue quirk).
      section = hasProgram ? asProgram : asFcgi;
      excluded.add(section);
      processes.push(...processesFromSection(ctx, section, name));
    }
    groups.push({ kind: "program", name, priority, processes });
  }

  for (
    const section of all.filter((s) => s.startsWith("program:") && !excluded.has(s))
  ) {
    const name = processOrGroupName(section.slice("program:".length));
    const priority = priorityOf(section, DEFAULTS.program.priority);
    groups.push({
      kind: "program",
      name,
      priority,
      processes: processesFromSection(ctx, section, name),
    });
  }

  for (const section of all.filter((s) => s.startsWith("eventlistener:"))) {
    groups.push(eventListenerPool(ctx, section, get, priorityOf));
  }

  for (
    const section of all.filter((s) => s.startsWith("fcgi-program:") && !excluded.has(s))
  ) {
    const name = processOrGroupName(section.slice("fcgi-program:".length));
    const priority = priorityOf(section, DEFAULTS.program.priority);
    const socket = fcgiSocket(ctx, section, name, get);
    groups.push({
      kind: "fcgi-program",
      name,
      priority,
      socket,
      processes: processesFromSection(ctx, section, name),
    });
  }
  return groups.sort(compareConfigs);
}

type Getter = (
  section: string,
  opt: string,
  fallback: string | null,
  extra?: Record<string, string>,
) => string | null;

function eventListenerPool(
  ctx: GroupContext,
  section: string,
  get: Getter,
  priorityOf: (section: string, fallback: string) => number,
): ProcessGroupConfig {
  const E = DEFAULTS.eventlistener;
  const name = section.slice("eventlistener:".length);
  const priority = priorityOf(section, E.priority);
  const bufferSize = integer(
    get(section, "buffer_size", E.buffer_size) ?? E.buffer_size,
  );
  if (bufferSize < 1) {
    throw new ValueConversionError(
      `[${section}] section sets invalid buffer_size (${bufferSize})`,
    );
  }
  const resultHandler = get(section, "result_handler", E.result_handler) ??
    E.result_handler;
  if (resultHandler.trim() !== DEFAULT_RESULT_HANDLER) {
    throw new ValueConversionError(
      `${resultHandler} cannot be resolved within [${section}]`,
    );
  }
  const events = [
    ...new Set(
      listOfStrings(get(section, "events", E.events) ?? "").map((e) => e.toUpperCase()),
    ),
  ];
  if (events.length === 0) {
    throw new ValueConversionError(
      `[${section}] section requires an "events" line`,
    );
  }
  for (const event of events) {
    if (!EVENT_TYPE_NAMES.includes(event)) {
      throw new ValueConversionError(
        `Unknown event type ${event} in [${section}] events`,
      );
    }
  }
  if (
    boolean(
      get(section, "redirect_stderr", E.redirect_stderr) ?? E.redirect_stderr,
    )
  ) {
    throw new ValueConversionError(
      `[${section}] section sets redirect_stderr=true but this is not allowed because it will interfere ` +
        "with the eventlistener protocol",
    );
  }
  const processes = processesFromSection(ctx, section, name);
  return {
    kind: "eventlistener",
    name,
    priority,
    buffer_size: bufferSize,
    events,
    result_handler: resultHandler,
    processes,
  };
}

function fcgiSocket(
  ctx: GroupContext,
  section: string,
  programName: string,
  get: Getter,
): FcgiSocketConfig {
  const user = get(section, "user", null);
  const procUid = user === null ? null : nameToUid(user, ctx.passwd());
  const backlogRaw = get(section, "socket_backlog", null);
  const backlog = backlogRaw === null ? null : integer(backlogRaw);
  if (backlog !== null && (backlog < 1 || backlog > 65535)) {
    throw new ValueConversionError(`Invalid socket_backlog value ${backlog}`);
  }
  const ownerRaw = get(section, "socket_owner", null);
  let owner: [number, number] | null = null;
  if (ownerRaw !== null) {
    try {
      const { uid, gid } = colonSeparatedUserGroup(
        ownerRaw,
        ctx.passwd(),
        ctx.groups(),
      );
      owner = [uid, gid];
    } catch {
      throw new ValueConversionError(`Invalid socket_owner value ${ownerRaw}`);
    }
  }
  const modeRaw = get(section, "socket_mode", null);
  let mode: number | null = null;
  if (modeRaw !== null) {
    try {
      mode = octalType(modeRaw);
    } catch {
      throw new ValueConversionError(`Invalid socket_mode value ${modeRaw}`);
    }
  }
  const socket = get(section, "socket", null, { program_name: programName });
  if (!socket) {
    throw new ValueConversionError(
      `[${section}] section requires a "socket" line`,
    );
  }
  try {
    return parseFcgiSocket(ctx, socket, procUid, owner, mode, backlog);
  } catch (e) {
    if (e instanceof FcgiSocketError) {
      throw new ValueConversionError(`${e.pyStr} in [${section}] socket`);
    }
    throw e;
  }
}

/** A socket error whose Python `str()` may be a tuple repr. */
class FcgiSocketError extends Error {
  constructor(readonly pyStr: string) {
    super(pyStr);
  }
}

function parseFcgiSocket(
  ctx: GroupContext,
  sock: string,
  procUid: number | null,
  owner: [number, number] | null,
  mode: number | null,
  backlog: number | null,
): FcgiSocketConfig {
  if (sock.startsWith("unix://")) {
    const path = sock.slice("unix://".length);
    if (!path.startsWith("/")) {
      throw new FcgiSocketError(
        `(${pyRepr("Unix socket path %s is not an absolute path")}, ${pyRepr(path)})`,
      );
    }
    if (owner === null && procUid !== null && procUid !== ctx.uid) {
      const entry = ctx.passwd().find((p) => p.uid === procUid);
      owner = [procUid, entry?.gid ?? -1];
    }
    return {
      family: "unix",
      path: normalizePath(path, ctx.cwd, ctx.home),
      owner,
      mode: mode ?? 0o700,
      backlog,
    };
  }
  if (owner !== null || mode !== null) {
    throw new FcgiSocketError(
      "socket_owner and socket_mode params should only be used with a Unix domain socket",
    );
  }
  const m = /^tcp:\/\/([^\s:]+):(\d+)$/.exec(sock);
  if (m) return { family: "inet", host: m[1]!, port: Number(m[2]), backlog };
  throw new FcgiSocketError(
    `(${pyRepr("Bad socket format %s")}, ${pyRepr(sock)})`,
  );
}
