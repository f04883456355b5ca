/**
 * `ready_log` (EXTENSIONS.md §3): the first complete output line (stdout
 * or stderr) that matches a regular expression makes the process ready,
 * `healthy` for `depends_on` when it has no `healthcheck`. It resets at
 * each spawn. Lines are cut at `\n`; a line still open is kept, up to
 * 64 KiB, until its end arrives.
 *
 * Python counterpart: none (process-compose's `ready_log_line`).
 * @module
 */

const MAX_PARTIAL = 64 * 1024;

/** Whether a process's output has shown its ready line since its last spawn. */
export class ReadyLog {
  readonly #re: RegExp;
  #matched = false;
  readonly #partial = { stdout: "", stderr: "" };
  readonly #decoders = { stdout: new TextDecoder(), stderr: new TextDecoder() };

  /** @param pattern The `ready_log` regular expression. */
  constructor(readonly pattern: string) {
    this.#re = new RegExp(pattern);
  }

  /** True once a line matched since the last `reset()`. */
  get matched(): boolean {
    return this.#matched;
  }

  /** A new spawn: not ready, no partial lines. */
  reset(): void {
    this.#matched = false;
    this.#partial.stdout = "";
    this.#partial.stderr = "";
    this.#decoders.stdout = new TextDecoder();
    this.#decoders.stderr = new TextDecoder();
  }

  /** Feeds a chunk of `channel`; true when this chunk completed the first matching line. */
  feed(channel: "stdout" | "stderr", data: Uint8Array): boolean {
    if (this.#matched) return false;
    const text = this.#partial[channel] + this.#decoders[channel].decode(data, { stream: true });
    const lines = text.split("\n");
    const rest = lines.pop()!;
    this.#partial[channel] = rest.length > MAX_PARTIAL ? rest.slice(-MAX_PARTIAL) : rest;
    if (!lines.some((l) => this.#re.test(l.replace(/\r$/, "")))) return false;
    this.#matched = true;
    return true;
  }
}
