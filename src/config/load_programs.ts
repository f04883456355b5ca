/**
 * Builds the process configs of one `[program:x]`, `[eventlistener:x]` or
 * `[fcgi-program:x]` section: option conversion in supervisord's order,
 * `numprocs` expansion, per-process `%(...)s` names and parse warnings.
 *
 * Python counterpart: supervisor/options.py
 * (`ServerOptions.processes_from_section`, `_processes_from_section`).
 * @module
 */

import {
  autoRestart,
  boolean,
  byteSize,
  dictOfKeyValuePairs,
  exitCodes,
  integer,
  logfileName,
  nameToUid,
  octalType,
  type PasswdEntry,
  type PathProbe,
  processOrGroupName,
  signalNumber,
} from "./datatypes.ts";
import { ValueConversionError } from "./errors.ts";
import { expandValue } from "./pyformat.ts";
import { pyRepr } from "./pyrepr.ts";
import type { Expansions, OptionReader } from "./_reader.ts";
import { readProgramExtensions } from "./load_extensions.ts";
import { readLogExtensions } from "./load_log_extensions.ts";
import { readDependencyKeys } from "./load_dependencies.ts";
import { readWatchKeys } from "./load_watch.ts";
import { cronAutorestartWarning, cronAutostartDefault, readCronKeys } from "./load_cron.ts";
import { envFileRefs } from "./env_file.ts";
import { dirname, isAbs } from "./pypath.ts";
import { AUTO_LOGFILE, compareConfigs, DEFAULTS, type LogfileTarget, type ProcessConfig } from "./schema.ts";

/** What building processes needs besides the section itself. */
export interface ProgramContext {
  reader: OptionReader;
  here: string;
  hostname: string;
  probe: PathProbe;
  passwd: () => readonly PasswdEntry[];
  /** The main config path as given; used when a section has no include file. */
  configfile: string;
  parseWarnings: string[];
  /** `[supervisord] container_mode` (extension): the default of each program's `console`. */
  containerMode?: boolean;
  /** `[supervisord] dependent_startup=native`: the plugin's keys are read as `depends_on`. */
  dependentStartup?: boolean;
}

const P = DEFAULTS.program;

type LogOptions = Pick<
  ProcessConfig,
  | "stdout_logfile"
  | "stdout_logfile_backups"
  | "stdout_logfile_maxbytes"
  | "stdout_syslog"
  | "stderr_logfile"
  | "stderr_logfile_backups"
  | "stderr_logfile_maxbytes"
  | "stderr_syslog"
>;

/**
 * The processes of `section`, sorted by (priority, name). Errors get
 * supervisord's ` in section '…' (file: '…')` suffix.
 */
export function processesFromSection(
  ctx: ProgramContext,
  section: string,
  groupName: string,
): ProcessConfig[] {
  try {
    return buildProcesses(ctx, section, groupName);
  } catch (e) {
    if (!(e instanceof ValueConversionError)) throw e;
    const file = ctx.reader.parser.sectionFile(section) ?? ctx.configfile;
    throw new ValueConversionError(
      `${e.message} in section ${pyRepr(section)} (file: ${pyRepr(file)})`,
    );
  }
}

function buildProcesses(
  ctx: ProgramContext,
  section: string,
  groupName: string,
): ProcessConfig[] {
  const programName = processOrGroupName(
    section.slice(section.indexOf(":") + 1),
  );
  // One mutable table, as in Python: names added for one process_num stay
  // visible to the options read after it (directory sees process_num).
  const common: Expansions = {
    here: ctx.here,
    program_name: programName,
    host_node_name: ctx.hostname,
    group_name: groupName,
  };
  const get = (opt: string, fallback: string | null) => ctx.reader.get(section, opt, fallback, common);
  const need = (opt: string, fallback: string) => ctx.reader.need(section, opt, fallback, common);

  const priority = integer(need("priority", P.priority));
  const has = (key: string) => ctx.reader.parser.get(section, key) !== undefined;
  const autostart = boolean(need("autostart", cronAutostartDefault(has, P.autostart)));
  const autorestart = autoRestart(need("autorestart", P.autorestart));
  const startsecs = integer(need("startsecs", P.startsecs));
  const startretries = integer(need("startretries", P.startretries));
  const stopsignal = signalNumber(need("stopsignal", P.stopsignal));
  const stopwaitsecs = integer(need("stopwaitsecs", P.stopwaitsecs));
  const stopasgroup = boolean(need("stopasgroup", P.stopasgroup));
  const killasgroup = boolean(need("killasgroup", String(stopasgroup)));
  const exitcodes = exitCodes(need("exitcodes", P.exitcodes));
  const redirect_stderr = boolean(need("redirect_stderr", P.redirect_stderr));
  const numprocs = integer(need("numprocs", P.numprocs));
  const numprocsStart = integer(need("numprocs_start", P.numprocs_start));
  const environmentRaw = ctx.reader.get(section, "environment", P.environment, common, false) ?? "";
  const stdout_capture_maxbytes = byteSize(
    need("stdout_capture_maxbytes", P.capture_maxbytes),
  );
  const stdout_events_enabled = boolean(
    need("stdout_events_enabled", P.events_enabled),
  );
  const stderr_capture_maxbytes = byteSize(
    need("stderr_capture_maxbytes", P.capture_maxbytes),
  );
  const stderr_events_enabled = boolean(
    need("stderr_events_enabled", P.events_enabled),
  );
  let serverurl = get("serverurl", P.serverurl);
  if (serverurl && serverurl.trim().toUpperCase() === "AUTO") serverurl = null;
  const user = get("user", P.user);
  const uid = user === null ? null : nameToUid(user, ctx.passwd());
  const umaskRaw = get("umask", P.umask);
  const umask = umaskRaw === null ? null : octalType(umaskRaw);
  const processName = processOrGroupName(
    ctx.reader.get(section, "process_name", P.process_name, common, false) ??
      P.process_name,
  );
  if (numprocs > 1 && !processName.includes("%(process_num)")) {
    throw new ValueConversionError(
      "%(process_num) must be present within process_name when numprocs > 1",
    );
  }
  if (stopasgroup && !killasgroup) {
    throw new ValueConversionError(
      "Cannot set stopasgroup=true and killasgroup=false",
    );
  }

  const processes: ProcessConfig[] = [];
  for (
    let processNum = numprocsStart;
    processNum < numprocs + numprocsStart;
    processNum++
  ) {
    Object.assign(
      common,
      { process_num: processNum, numprocs },
      ctx.reader.envExpansions,
    );
    const environment = dictOfKeyValuePairs(
      expandValue(environmentRaw, common, "environment"),
    );
    for (const [k, v] of Object.entries(environment)) common[`ENV_${k}`] = v;
    const directory = get("directory", P.directory);
    const logs = readLogOptions(ctx, section, common, redirect_stderr);
    const command = get("command", P.command);
    if (command === null) {
      throw new ValueConversionError(
        `program section ${section} does not specify a command`,
      );
    }
    const name = expandValue(processName, common, "process_name");
    const deps = readDependencyKeys((key) => get(key, null), section, ctx.dependentStartup ?? false);
    const extensions = readProgramExtensions({
      get: (key) => get(key, null),
      has,
      name,
      containerMode: ctx.containerMode ?? false,
      listener: section.startsWith("eventlistener:"),
    });
    // Container mode sends a channel without a logfile key to the console instead of an AUTO file.
    for (const channel of ["stdout", "stderr"] as const) {
      const keySet = ctx.reader.parser.get(section, `${channel}_logfile`) !== undefined;
      if (ctx.containerMode && extensions.console[channel] !== null && !keySet) logs[`${channel}_logfile`] = null;
    }
    const cron = readCronKeys((key) => get(key, null));
    if (cron !== null && section.startsWith("eventlistener:")) {
      throw new ValueConversionError(`cron is not supported in [${section}]`);
    }
    if (cron !== null && autorestart !== false) ctx.parseWarnings.push(cronAutorestartWarning(section, name));
    const sectionFile = ctx.reader.parser.sectionFile(section);
    const watch = readWatchKeys(
      (key) => get(key, null),
      sectionFile !== undefined && isAbs(sectionFile) ? dirname(sectionFile) : ctx.here,
    );
    if (watch !== null && section.startsWith("eventlistener:")) {
      throw new ValueConversionError(`restart_directory_monitor is not supported in [${section}]`);
    }
    processes.push({
      name,
      command,
      directory,
      umask,
      priority,
      autostart: autostart || deps.dependent_startup,
      autorestart,
      startsecs,
      startretries,
      uid,
      stdout_capture_maxbytes,
      stdout_events_enabled,
      stderr_capture_maxbytes,
      stderr_events_enabled,
      ...logs,
      stopsignal,
      stopwaitsecs,
      stopasgroup,
      killasgroup,
      exitcodes,
      redirect_stderr,
      environment,
      serverurl,
      ...extensions,
      ...deps,
      ...readLogExtensions((key) => get(key, null)),
      env_file: envFileSetting(ctx, section, get, environment),
      ...(cron === null ? {} : { cron }),
      ...(watch === null ? {} : { watch }),
    });
  }
  return processes.sort(compareConfigs);
}

/** `env_file` (extension): relative paths start at the directory of the file holding the section. */
function envFileSetting(
  ctx: ProgramContext,
  section: string,
  get: (opt: string, fallback: string | null) => string | null,
  environment: Record<string, string>,
): ProcessConfig["env_file"] {
  const file = ctx.reader.parser.sectionFile(section);
  const files = envFileRefs((key) => get(key, null), file !== undefined && isAbs(file) ? dirname(file) : ctx.here);
  return files === null ? null : { files, explicit: Object.keys(environment) };
}

function readLogOptions(
  ctx: ProgramContext,
  section: string,
  common: Expansions,
  redirectStderr: boolean,
): LogOptions {
  const out: Record<string, LogfileTarget | number | boolean> = {};
  for (const channel of ["stdout", "stderr"] as const) {
    const lfKey = `${channel}_logfile`;
    const syKey = `${channel}_syslog`;
    // Logfile names are expanded twice: once on read, once more here.
    const once = ctx.reader.need(section, lfKey, P.logfile, common);
    const target = logfileName(expandValue(once, common, lfKey), ctx.probe);
    const backups = integer(
      ctx.reader.need(
        section,
        `${channel}_logfile_backups`,
        P.logfile_backups,
        common,
      ),
    );
    const maxbytes = byteSize(
      ctx.reader.need(
        section,
        `${channel}_logfile_maxbytes`,
        P.logfile_maxbytes,
        common,
      ),
    );
    let syslog = boolean(ctx.reader.need(section, syKey, P.syslog, common));
    let logfile: LogfileTarget = target.kind === "path" ? target.path : target.kind === "auto" ? AUTO_LOGFILE : null;
    if (target.kind === "syslog") {
      ctx.parseWarnings.push(
        `For [${section}], ${lfKey}=syslog but this is deprecated and will be removed.  ` +
          `Use ${syKey}=true to enable syslog instead.`,
      );
      logfile = null;
      syslog = true;
    }
    if (target.kind === "auto" && !maxbytes) {
      ctx.parseWarnings.push(
        `For [${section}], AUTO logging used for ${lfKey} without rollover, ` +
          "set maxbytes > 0 to avoid filling up filesystem unintentionally",
      );
    }
    Object.assign(out, {
      [lfKey]: logfile,
      [`${channel}_logfile_backups`]: backups,
      [`${channel}_logfile_maxbytes`]: maxbytes,
      [syKey]: syslog,
    });
  }
  if (redirectStderr) {
    if (out.stderr_logfile !== AUTO_LOGFILE && out.stderr_logfile !== null) {
      ctx.parseWarnings.push(
        `For [${section}], redirect_stderr=true but stderr_logfile has also been set to a filename, ` +
          "the filename has been ignored",
      );
    }
    out.stderr_logfile = null;
  }
  return out as unknown as LogOptions;
}
