/**
 * The command interpreter: parses one command line as Python's cmd module
 * does, dispatches it to the command table, keeps the exit status, and
 * turns errors no command handles into the stock client's one-line report.
 * Also the pieces every command shares: output, the RPC proxy, the
 * `getVersion` pre-flight check (CTL.upcheck), fault-to-exit-status
 * mapping, and line input with Python's EOF behaviour.
 *
 * Python counterpart: supervisor/supervisorctl.py (`Controller`,
 * `LSBInitExitStatuses`, `LSBStatusExitStatuses`) and the stdlib cmd.py
 * (`Cmd.onecmd`, `Cmd.parseline`, `Cmd.default`).
 * @module
 */

import { Faults } from "../rpc/faults.ts";
import { pyStr, type XmlRpcValue } from "../rpc/xmlrpc_value.ts";
import type { Runtime } from "../runtime/types.ts";
import { API_VERSION } from "../version.ts";
import { ProtocolError, RpcClient, RpcFault, SocketError } from "./client.ts";
import { EndOfInput, errorLine } from "./py_errors.ts";
import type { CtlOptions } from "./options.ts";
import { Interrupts, LineInput, type ReadToken } from "./_input.ts";
import { parseLine } from "./_text.ts";

/** LSB init-script exit statuses (supervisorctl's `LSBInitExitStatuses`). */
export const Exit = {
  SUCCESS: 0,
  GENERIC: 1,
  INVALID_ARGS: 2,
  UNIMPLEMENTED_FEATURE: 3,
  INSUFFICIENT_PRIVILEGES: 4,
  NOT_INSTALLED: 5,
  NOT_RUNNING: 7,
} as const;

/** LSB status exit statuses, used by `status` (`LSBStatusExitStatuses`). */
export const StatusExit = { NOT_RUNNING: 3, UNKNOWN: 4 } as const;

/** Faults that mean "the program is not running" (exit status 7). */
const DEAD_PROGRAM_FAULTS: ReadonlySet<number> = new Set([
  Faults.SPAWN_ERROR,
  Faults.ABNORMAL_TERMINATION,
  Faults.NOT_RUNNING,
]);

/**
 * One command: runs with the text after the command word; resolves true to
 * leave the shell (quit, exit, EOF).
 */
export type Command = (ctl: Controller, arg: string) => Promise<boolean | void>;

/** The `supervisor.*` namespace of the server. */
export interface SupervisorProxy {
  /** Calls `supervisor.<method>`. */
  call(method: string, ...params: XmlRpcValue[]): Promise<XmlRpcValue>;
}

/** Controller state and the services commands use. */
export class Controller {
  /** What the process exits with after a one-shot command. */
  exitstatus: number = Exit.SUCCESS;
  readonly interrupts: Interrupts;

  constructor(
    readonly rt: Runtime,
    readonly options: CtlOptions,
    readonly commands: ReadonlyMap<string, Command>,
    readonly input: LineInput = new LineInput(rt.stdin),
  ) {
    this.interrupts = new Interrupts(rt);
  }

  /** Writes `message` and a newline to stdout (`Controller.output`). */
  output(message: string): void {
    this.rt.stdout.write(message + "\n");
  }

  /** Writes raw text to stdout. */
  write(text: string): void {
    this.rt.stdout.write(text);
  }

  /** A proxy for the current server settings (`get_supervisor`); throws for an unusable URL. */
  getSupervisor(): SupervisorProxy {
    const client = new RpcClient(this.rt, {
      serverurl: this.options.serverurl,
      username: this.options.username,
      password: this.options.password,
    });
    return { call: (method, ...params) => client.call(`supervisor.${method}`, ...params) };
  }

  /** `set_exitstatus_from_xmlrpc_fault`. */
  setExitstatusFromFault(code: number, ignored?: number): void {
    if (code === ignored || code === Faults.SUCCESS) return;
    this.exitstatus = DEAD_PROGRAM_FAULTS.has(code) ? Exit.NOT_RUNNING : Exit.GENERIC;
  }

  /**
   * CTL.upcheck: asks for the API version; prints why the server cannot be
   * used and sets the exit status when it cannot. Other errors propagate.
   */
  async upcheck(): Promise<boolean> {
    try {
      const api = await this.getSupervisor().call("getVersion");
      if (api !== API_VERSION) {
        this.output(
          `Sorry, this version of supervisorctl expects to talk to a server with API version ${API_VERSION}, ` +
            `but the remote version is ${pyStr(api)}.`,
        );
        this.exitstatus = Exit.NOT_INSTALLED;
        return false;
      }
    } catch (e) {
      if (e instanceof RpcFault) {
        if (e.code === Faults.UNKNOWN_METHOD) {
          this.output(
            "Sorry, supervisord responded but did not recognize the supervisor namespace commands that " +
              "supervisorctl uses to control it.  Please check that the [rpcinterface:supervisor] section " +
              "is enabled in the configuration file (see sample.conf).",
          );
          this.exitstatus = Exit.UNIMPLEMENTED_FEATURE;
          return false;
        }
        this.exitstatus = Exit.GENERIC;
      } else if (e instanceof SocketError) {
        if (e.code === "ECONNREFUSED") {
          this.output(`${this.options.serverurl} refused connection`);
          this.exitstatus = Exit.INSUFFICIENT_PRIVILEGES;
          return false;
        }
        if (e.code === "ENOENT") {
          this.output(`${this.options.serverurl} no such file`);
          this.exitstatus = Exit.NOT_RUNNING;
          return false;
        }
        this.exitstatus = Exit.GENERIC;
      }
      throw e;
    }
    return true;
  }

  /**
   * Python's `input(prompt)`: writes the prompt, reads a line. At end of
   * input throws Python's EOFError, reported at `pyLine` of supervisorctl.py.
   */
  async rawInput(prompt: string, pyLine: number, token?: ReadToken): Promise<string> {
    if (prompt !== "") this.write(prompt);
    const line = await this.input.readLine(token);
    if (line === null) throw new EndOfInput(pyLine);
    return line;
  }

  /** `Cmd.default`: an unknown command. */
  unknown(line: string): void {
    this.output(`*** Unknown syntax: ${line}`);
    this.exitstatus = Exit.GENERIC;
  }

  /** `Controller.onecmd`: runs one command line; resolves true to leave the shell. */
  async onecmd(raw: string): Promise<boolean> {
    const { cmd, arg, line } = parseLine(raw);
    if (line === "") return false;
    const command = cmd === null || cmd === "" ? undefined : this.commands.get(cmd);
    if (command === undefined) {
      this.unknown(line);
      return false;
    }
    try {
      try {
        return (await command(this, arg)) === true;
      } catch (e) {
        if (!(e instanceof ProtocolError)) throw e;
        if (e.errcode !== 401) {
          this.exitstatus = Exit.GENERIC;
          throw e;
        }
        this.output("Server requires authentication");
        if (this.options.interactive) return await this.#login(line);
        this.exitstatus = Exit.GENERIC;
      }
      // Python runs the command a second time here (CTL.auth401), which fails again.
      await command(this, arg);
    } catch (e) {
      this.output(errorLine(e));
      this.exitstatus = Exit.GENERIC;
    }
    return false;
  }

  /** Asks for credentials, then runs the line again. */
  async #login(line: string): Promise<boolean> {
    const username = await this.rawInput("Username:", 212);
    // getpass writes its prompt to the terminal, or to stderr when there is none.
    this.rt.stderr.write("Password:");
    const password = await this.rawInput("", 213);
    this.output("");
    this.options.username = username;
    this.options.password = password;
    return await this.onecmd(line);
  }
}
