/**
 * `supervisord service-file systemd|launchd [-c FILE]`: prints a unit file
 * or a launchd property list that runs this binary in the foreground
 * (`-n -c FILE`). The systemd unit is `Type=notify`: the daemon reports
 * READY=1, STATUS= and STOPPING=1 through NOTIFY_SOCKET (sd_notify.ts).
 * The launchd plist has the shape the original's install notes use:
 * `RunAtLoad`, and `KeepAlive` with `SuccessfulExit` false, so launchd
 * restarts it after a crash but not after a clean shutdown.
 *
 * Python counterpart: none; Debian's supervisor.service (ExecStart with
 * `-n -c`, KillMode=process, Restart=on-failure) and the launchd notes of
 * supervisor's installation docs inspired the contents.
 * @module
 */

/** The config file a service runs when `-c` is not given. */
export const DEFAULT_SERVICE_CONF = "/etc/supervisord.conf";

/** What the generator needs: the argv that runs this binary, and where relative paths start. */
export interface ServiceFileHost {
  /** The argv that runs this program (the compiled binary, or runtime + script). */
  selfCommand: readonly string[];
  /** The working directory, for a relative `-c`. */
  cwd: string;
  /** Writes to standard output. */
  stdout(text: string): void;
  /** Writes to standard error. */
  stderr(text: string): void;
}

const USAGE = "Usage: supervisord service-file systemd|launchd [-c FILE]\n";

function absolute(path: string, cwd: string): string {
  if (path.startsWith("/")) return path;
  return `${cwd.replace(/\/$/, "")}/${path.replace(/^\.\//, "")}`;
}

/** A word of ExecStart= quoted as systemd reads it, when it needs quoting. */
function systemdWord(word: string): string {
  if (/^[\w@%+=:,./-]+$/.test(word)) return word;
  return `"${word.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

function xml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** The systemd unit for `command` (the binary's argv) and config file `conf`. */
export function systemdUnit(command: readonly string[], conf: string): string {
  const start = [...command, "-n", "-c", conf].map(systemdWord).join(" ");
  const reload = [...command, "ctl", "-c", conf, "reload"].map(systemdWord).join(" ");
  return `[Unit]
Description=Process control system (supervisord)
Documentation=http://supervisord.org
After=network.target

[Service]
Type=notify
NotifyAccess=main
ExecStart=${start}
ExecReload=${reload}
KillMode=process
Restart=on-failure
RestartSec=5s

[Install]
WantedBy=multi-user.target
`;
}

/** The launchd property list for `command` and config file `conf`. */
export function launchdPlist(command: readonly string[], conf: string): string {
  const args = [...command, "-n", "-c", conf].map((a) => `    <string>${xml(a)}</string>\n`).join("");
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
  <key>Label</key>
  <string>org.supervisord.supervisord</string>
  <key>ProgramArguments</key>
  <array>
${args}  </array>
  <key>RunAtLoad</key>
  <true/>
  <key>KeepAlive</key>
  <dict>
    <key>SuccessfulExit</key>
    <false/>
  </dict>
</dict>
</plist>
`;
}

/**
 * Runs `service-file` with the arguments after it.
 * @returns 0, or 2 with a usage message for a wrong command line.
 */
export function runServiceFile(args: readonly string[], host: ServiceFileHost): number {
  const [kind, ...rest] = args;
  let conf = DEFAULT_SERVICE_CONF;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if ((a === "-c" || a === "--configuration") && rest[i + 1] !== undefined) conf = absolute(rest[++i]!, host.cwd);
    else if (a.startsWith("--configuration=")) conf = absolute(a.slice("--configuration=".length), host.cwd);
    else {
      host.stderr(`Error: unexpected argument ${a}\n${USAGE}`);
      return 2;
    }
  }
  if (kind === "systemd") host.stdout(systemdUnit(host.selfCommand, conf));
  else if (kind === "launchd") host.stdout(launchdPlist(host.selfCommand, conf));
  else {
    host.stderr(kind === undefined ? USAGE : `Error: unknown service manager ${kind}\n${USAGE}`);
    return 2;
  }
  return 0;
}
