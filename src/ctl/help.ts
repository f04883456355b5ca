/**
 * supervisorctl's texts: the `-h` usage text, the per-command help lines
 * (`help <command>`, and after argument errors), the `help` listing and
 * `help help`. They are the program's documented interface, kept byte for
 * byte (tabs included) so scripts and users see what the stock client
 * prints (SURFACE CTL.help, Appendix A.9).
 *
 * Python counterpart: supervisor/supervisorctl.py (module docstring, the
 * `help_*` methods, `ControllerPluginBase.do_help`,
 * `Controller.help_help`) and the stdlib cmd.py (`print_topics`,
 * `columnize`, `nohelp`).
 * @module
 */

const USAGE_TEMPLATE = `supervisorctl -- control applications run by supervisord from the cmd line.

Usage: %s [options] [action [arguments]]

Options:
-c/--configuration FILENAME -- configuration file path (searches if not given)
-h/--help -- print usage message and exit
-i/--interactive -- start an interactive shell after executing commands
-s/--serverurl URL -- URL on which supervisord server is listening
     (default "http://localhost:9001").
-u/--username USERNAME -- username to use for authentication with server
-p/--password PASSWORD -- password to use for authentication with server
-r/--history-file -- keep a readline history (if readline is available)

action [arguments] -- see below

Actions are commands like "tail" or "stop".  If -i is specified or no action is
specified on the command line, a "shell" interpreting actions typed
interactively is started.  Use the action "help" to find out about available
actions.
`;

/** The stdout text of `supervisorctl -h` for a program shown as `progname`. */
export function ctlUsageText(progname: string): string {
  return (USAGE_TEMPLATE + "\n").split("%s").join(progname);
}

/** Help lines per command, as `help <command>` prints them (one output call per entry). */
export const HELP: Readonly<Record<string, readonly string[]>> = {
  add: ["add <name> [...]\tActivates any updates in config for process/group"],
  avail: ["avail\t\t\tDisplay all configured processes"],
  clear: [
    "clear <name>\t\tClear a process' log files.",
    "clear <name> <name>\tClear multiple process' log files",
    "clear all\t\tClear all process' log files",
  ],
  exit: ["exit\tExit the supervisor shell."],
  fg: ["fg <process>\tConnect to a process in foreground mode", "\t\tCtrl-C to exit"],
  maintail: [
    "maintail -f \tContinuous tail of supervisor main log file (Ctrl-C to exit)\n" +
    "maintail -100\tlast 100 *bytes* of supervisord main log file\n" +
    "maintail\tlast 1600 *bytes* of supervisor main log file\n",
  ],
  open: [
    "open <url>\tConnect to a remote supervisord process.",
    "\t\t(for UNIX domain socket, use unix:///socket/path)",
  ],
  pid: [
    "pid\t\t\tGet the PID of supervisord.",
    "pid <name>\t\tGet the PID of a single child process by name.",
    "pid all\t\t\tGet the PID of every child process, one per line.",
  ],
  quit: ["quit\tExit the supervisor shell."],
  reload: ["reload \t\tRestart the remote supervisord."],
  remove: ["remove <name> [...]\tRemoves process/group from active config"],
  reread: ["reread \t\t\tReload the daemon's configuration files without add/remove"],
  restart: [
    "restart <name>\t\tRestart a process",
    "restart <gname>:*\tRestart all processes in a group",
    "restart <name> <name>\tRestart multiple processes or groups",
    "restart all\t\tRestart all processes",
    "Note: restart does not reread config files. For that, see reread and update.",
  ],
  shutdown: ["shutdown \tShut the remote supervisord down."],
  signal: [
    "signal <signal name> <name>\t\tSignal a process",
    "signal <signal name> <gname>:*\t\tSignal all processes in a group",
    "signal <signal name> <name> <name>\tSignal multiple processes or groups",
    "signal <signal name> all\t\tSignal all processes",
  ],
  start: [
    "start <name>\t\tStart a process",
    "start <gname>:*\t\tStart all processes in a group",
    "start <name> <name>\tStart multiple processes or groups",
    "start all\t\tStart all processes",
  ],
  status: [
    "status <name>\t\tGet status for a single process",
    "status <gname>:*\tGet status for all processes in a group",
    "status <name> <name>\tGet status for multiple named processes",
    "status\t\t\tGet all process status info",
  ],
  stop: [
    "stop <name>\t\tStop a process",
    "stop <gname>:*\t\tStop all processes in a group",
    "stop <name> <name>\tStop multiple processes or groups",
    "stop all\t\tStop all processes",
  ],
  tail: [
    "tail [-f] <name> [stdout|stderr] (default stdout)\n" +
    "Ex:\n" +
    "tail -f <name>\t\tContinuous tail of named process stdout\n" +
    "\t\t\tCtrl-C to exit.\n" +
    "tail -100 <name>\tlast 100 *bytes* of process stdout\n" +
    "tail <name> stderr\tlast 1600 *bytes* of process stderr",
  ],
  update: [
    "update\t\t\tReload config and add/remove as necessary, and will restart affected programs",
    "update all\t\tReload config and add/remove as necessary, and will restart affected programs",
    "update <gname> [...]\tUpdate specific groups",
  ],
  version: ["version\t\t\tShow the version of the remote supervisord process"],
  // Commands only this client has (not in the listing, which stays the stock client's).
  logs: [
    "logs [-n N] [name ...]\tLast N lines (default 10) of each process' logs, prefixed",
    "logs -f [-n N] [name ...]\tThen follow them all (Ctrl-C to exit)",
  ],
  reopen: ["reopen\t\t\tReopen every log file, restarting nothing (SIGUSR2)"],
  top: [
    "top [-s name|state|cpu|mem|uptime|restarts]\tLive table of every process (q to quit)",
    "top --once\t\tPrint the table once",
  ],
  health: ["health\t\t\tExit 0 when supervisord and every checked or essential process are healthy, else 1"],
  rotate: [
    "rotate [name ...|all]\tRotate process logs now",
    "rotate --main\t\tRotate supervisord's main log now",
  ],
};

/** `help help` (the controller's own help). */
export const HELP_HELP: readonly string[] = [
  "help\t\tPrint a list of available actions",
  "help <action>\tPrint help for <action>",
];

/**
 * The text of `help` without a topic: a blank line, then cmd.py's
 * `print_topics` of the 21 documented commands, columnized to 79 columns.
 */
export const HELP_LISTING = "\n" +
  "default commands (type help <topic>):\n" +
  "=====================================\n" +
  "add    exit      open  reload  restart   start   tail   \n" +
  "avail  fg        pid   remove  shutdown  status  update \n" +
  "clear  maintail  quit  reread  signal    stop    version\n" +
  "\n";

/** cmd.py's `nohelp` line for an unknown topic. */
export function noHelp(topic: string): string {
  return `*** No help on ${topic}`;
}
