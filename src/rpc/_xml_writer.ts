/**
 * A UTF-8 byte writer for the XML-RPC encoder: text is escaped and encoded
 * in one pass straight into a byte buffer that is reused from one document
 * to the next (kept up to {@linkcode KEEP_BYTES}), so encoding a reply
 * builds no intermediate strings.
 *
 * Escaping (SURFACE XMLRPC.escape, XMLRPC.badtext): `&`, `<`, `>` as
 * entities, CR as `&#13;`, characters XML 1.0 forbids (C0 controls other
 * than TAB/LF/CR, U+FFFE, U+FFFF, lone surrogates) as U+FFFD; everything
 * else raw UTF-8.
 *
 * Python counterpart: the stdlib xmlrpc.client (`Marshaller`, `escape`).
 * @module
 */

/** The buffer is kept between documents up to this size; a larger one is dropped after use. */
export const KEEP_BYTES = 256 * 1024;

const AMP = [38, 97, 109, 112, 59]; // &amp;
const LT = [38, 108, 116, 59]; // &lt;
const GT = [38, 103, 116, 59]; // &gt;
const CR = [38, 35, 49, 51, 59]; // &#13;

/** Appends escaped UTF-8 text and ASCII markup to a growing, reused byte buffer. */
export class XmlWriter {
  #buf: Uint8Array<ArrayBuffer>;
  #len = 0;

  constructor(initial = 16 * 1024) {
    this.#buf = new Uint8Array(initial);
  }

  /** Bytes written so far. */
  get length(): number {
    return this.#len;
  }

  /** The buffer in use (exposed so tests can see it is reused). */
  get buffer(): Uint8Array {
    return this.#buf;
  }

  /** Starts a new document, keeping the buffer unless it grew beyond {@linkcode KEEP_BYTES}. */
  reset(): void {
    this.#len = 0;
    if (this.#buf.length > KEEP_BYTES) this.#buf = new Uint8Array(KEEP_BYTES);
  }

  /** What was written, in the buffer itself: valid until the next `reset()`. */
  view(): Uint8Array<ArrayBuffer> {
    return this.#buf.subarray(0, this.#len) as Uint8Array<ArrayBuffer>;
  }

  /** A copy of what was written (the buffer itself is reused). */
  take(): Uint8Array<ArrayBuffer> {
    return this.#buf.slice(0, this.#len);
  }

  #room(n: number): void {
    if (this.#len + n <= this.#buf.length) return;
    let size = this.#buf.length * 2;
    while (size < this.#len + n) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.#buf.subarray(0, this.#len));
    this.#buf = grown;
  }

  /** A copy of the bytes written from `start` on. */
  copyFrom(start: number): Uint8Array {
    return this.#buf.slice(start, this.#len);
  }

  /** Appends bytes as they are (an encoding made earlier). */
  bytes(b: Uint8Array): void {
    this.#room(b.length);
    this.#buf.set(b, this.#len);
    this.#len += b.length;
  }

  /** Appends markup known to be ASCII and free of characters to escape. */
  markup(s: string): void {
    this.#room(s.length);
    const buf = this.#buf;
    let at = this.#len;
    for (let i = 0; i < s.length; i++) buf[at++] = s.charCodeAt(i);
    this.#len = at;
  }

  /** Appends a safe integer in decimal. */
  integer(n: number): void {
    this.markup(String(n));
  }

  #put(bytes: readonly number[], at: number): number {
    for (let i = 0; i < bytes.length; i++) this.#buf[at + i] = bytes[i]!;
    return at + bytes.length;
  }

  /** Appends `s` as XML element content: escaped, UTF-8. */
  text(s: string): void {
    this.#room(s.length * 5); // the longest output per UTF-16 unit is an entity of 5 bytes
    const buf = this.#buf;
    let at = this.#len;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x80) {
        if (c >= 0x20) {
          if (c === 38) at = this.#put(AMP, at);
          else if (c === 60) at = this.#put(LT, at);
          else if (c === 62) at = this.#put(GT, at);
          else buf[at++] = c;
        } else if (c === 9 || c === 10) {
          buf[at++] = c;
        } else if (c === 13) {
          at = this.#put(CR, at);
        } else {
          at = replacement(buf, at);
        }
      } else if (c < 0x800) {
        buf[at++] = 0xc0 | (c >> 6);
        buf[at++] = 0x80 | (c & 0x3f);
      } else if (c >= 0xd800 && c <= 0xdfff) {
        const next = s.charCodeAt(i + 1);
        if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
          const cp = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
          buf[at++] = 0xf0 | (cp >> 18);
          buf[at++] = 0x80 | ((cp >> 12) & 0x3f);
          buf[at++] = 0x80 | ((cp >> 6) & 0x3f);
          buf[at++] = 0x80 | (cp & 0x3f);
          i++;
        } else {
          at = replacement(buf, at); // a lone surrogate
        }
      } else if (c === 0xfffe || c === 0xffff) {
        at = replacement(buf, at);
      } else {
        buf[at++] = 0xe0 | (c >> 12);
        buf[at++] = 0x80 | ((c >> 6) & 0x3f);
        buf[at++] = 0x80 | (c & 0x3f);
      }
    }
    this.#len = at;
  }
}

/** Writes U+FFFD. */
function replacement(buf: Uint8Array, at: number): number {
  buf[at] = 0xef;
  buf[at + 1] = 0xbf;
  buf[at + 2] = 0xbd;
  return at + 3;
}
