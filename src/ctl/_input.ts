/**
 * Keyboard-side plumbing of the client: reading standard input line by line
 * (the shell's prompt, `fg`, the y/N confirmations share one reader, so a
 * line is never lost between them) and Ctrl-C, delivered to the innermost
 * operation that asked for it (a `tail -f` inside the shell ends the tail,
 * not the shell).
 *
 * Python counterpart: the stdlib `input()` (raw_input) that
 * supervisor/supervisorctl.py calls, and Python's `KeyboardInterrupt`,
 * caught by `_tailf`, `do_fg` and `exec_cmdloop`.
 * @module
 */

import type { InputStream, Runtime } from "../runtime/types.ts";

/** Lets a caller abandon a pending read without losing the line it would have taken. */
export interface ReadToken {
  cancelled: boolean;
}

/** Splits standard input into lines (without `\n`); the last line may lack one. */
export class LineInput {
  #buffer = "";
  #eof = false;
  #pending: Promise<void> | null = null;
  readonly #decoder = new TextDecoder();

  constructor(private readonly stdin: InputStream) {}

  /** True when standard input is a terminal. */
  isTerminal(): boolean {
    return this.stdin.isTerminal();
  }

  /**
   * The next line, or null at end of input. A read whose `token` was
   * cancelled meanwhile resolves null and leaves the line for the next read.
   */
  async readLine(token: ReadToken = { cancelled: false }): Promise<string | null> {
    for (;;) {
      if (token.cancelled) return null;
      const nl = this.#buffer.indexOf("\n");
      if (nl >= 0) {
        const line = this.#buffer.slice(0, nl);
        this.#buffer = this.#buffer.slice(nl + 1);
        return line;
      }
      if (this.#eof) {
        const rest = this.#buffer;
        this.#buffer = "";
        return rest === "" ? null : rest;
      }
      await this.#fill();
    }
  }

  /**
   * Whatever text has arrived (what is buffered, else the next read), or null
   * at end of input or once `token` is cancelled. The shell's line editor
   * reads keystrokes this way while the terminal is in raw mode.
   */
  async readText(token: ReadToken = { cancelled: false }): Promise<string | null> {
    while (this.#buffer === "" && !this.#eof && !token.cancelled) await this.#fill();
    if (token.cancelled) return null;
    const text = this.#buffer;
    this.#buffer = "";
    return text === "" ? null : text;
  }

  /** Puts `text` back in front of the input, for the next read. */
  unread(text: string): void {
    this.#buffer = text + this.#buffer;
  }

  /** Raw mode on or off; false when standard input is not a terminal. */
  setRaw(raw: boolean): boolean {
    return this.stdin.setRaw(raw);
  }

  /** One read from stdin into the buffer, shared by every waiting reader. */
  #fill(): Promise<void> {
    return this.#pending ??= this.stdin.read().then(
      (chunk) => {
        this.#pending = null;
        if (chunk === null) {
          this.#eof = true;
          this.#buffer += this.#decoder.decode();
        } else {
          this.#buffer += this.#decoder.decode(chunk, { stream: true });
        }
      },
      () => {
        this.#pending = null;
        this.#eof = true;
      },
    );
  }
}

/** Ctrl-C (SIGINT) routed to the innermost {@linkcode Interrupts.scope}. */
export class Interrupts {
  readonly #stack: Array<() => void> = [];
  #unsubscribe: (() => void) | null = null;

  constructor(private readonly rt: Runtime) {}

  /**
   * Runs `fn` with a promise that resolves when Ctrl-C is pressed while this
   * is the innermost scope. Outside any scope SIGINT keeps its default
   * action (the process ends), as an uncaught KeyboardInterrupt does.
   */
  async scope<T>(fn: (interrupted: Promise<void>) => Promise<T>): Promise<T> {
    const { promise, resolve } = Promise.withResolvers<void>();
    this.#stack.push(resolve);
    this.#unsubscribe ??= this.rt.onSignal("SIGINT", () => this.#stack.at(-1)?.());
    try {
      return await fn(promise);
    } finally {
      const i = this.#stack.lastIndexOf(resolve);
      if (i >= 0) this.#stack.splice(i, 1);
      if (this.#stack.length === 0) {
        this.#unsubscribe?.();
        this.#unsubscribe = null;
      }
    }
  }
}
