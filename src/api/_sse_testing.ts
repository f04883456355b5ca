/**
 * Test support: reads server-sent events from a response body as the
 * EventSource algorithm frames them (`event`, `id`, `data` lines; comments
 * kept, so keepalives can be counted).
 *
 * Python counterpart: none (test support).
 * @module
 */

/** One parsed frame: an event, or a comment line (`: keepalive`). */
export interface SseFrame {
  event?: string;
  id?: string;
  data?: string;
  comment?: string;
}

/** Frames from a byte stream, as they complete. */
export class SseReader {
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #decoder = new TextDecoder();
  #buffer = "";
  readonly #frames: SseFrame[] = [];

  constructor(body: ReadableStream<Uint8Array>) {
    this.#reader = body.getReader();
  }

  /** The next frame; null when the stream ended. */
  async next(): Promise<SseFrame | null> {
    for (;;) {
      const frame = this.#frames.shift();
      if (frame !== undefined) return frame;
      const { done, value } = await this.#reader.read();
      if (done) return null;
      this.#buffer += this.#decoder.decode(value, { stream: true });
      this.#split();
    }
  }

  /** Stops reading (the client goes away). */
  cancel(): Promise<void> {
    return this.#reader.cancel();
  }

  #split(): void {
    for (;;) {
      const end = this.#buffer.indexOf("\n\n");
      if (end === -1) return;
      const block = this.#buffer.slice(0, end);
      this.#buffer = this.#buffer.slice(end + 2);
      const frame: SseFrame = {};
      const data: string[] = [];
      for (const line of block.split("\n")) {
        if (line.startsWith(":")) frame.comment = line.slice(1).trim();
        const colon = line.indexOf(":");
        const field = line.slice(0, colon);
        const value = line.slice(colon + 1).replace(/^ /, "");
        if (field === "event") frame.event = value;
        else if (field === "id") frame.id = value;
        else if (field === "data") data.push(value);
      }
      if (data.length > 0) frame.data = data.join("\n");
      this.#frames.push(frame);
    }
  }
}
