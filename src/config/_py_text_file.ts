/**
 * Decoding a config file the way Python's `open(path)` text mode does it for
 * supervisord: UTF-8 with strict errors, no BOM removal, universal newlines,
 * and `UnicodeDecodeError` texts identical to CPython's.
 *
 * Python reads the file through `TextIOWrapper`, which decodes 8192-byte
 * chunks with an incremental decoder while the parser consumes lines. Error
 * positions are therefore relative to the chunk being decoded (plus any bytes
 * of an incomplete character held over from the previous chunk), and the
 * lines of earlier chunks have already been parsed when the error is raised.
 * Both facts are reproduced here.
 *
 * Python counterpart: CPython `Objects/stringlib/codecs.h` (`utf8_decode`),
 * `Objects/unicodeobject.c` (`unicode_decode_utf8`), `Modules/_io/textio.c`
 * (`textiowrapper_read_chunk`, `IncrementalNewlineDecoder`).
 * @module
 */

/** Bytes `TextIOWrapper.readline()` asks the buffered reader for at a time. */
const CHUNK_SIZE = 8192;

/** Result of decoding a whole file. */
export type TextFileDecode =
  | { readonly ok: true; readonly text: string }
  | {
    readonly ok: false;
    /** Python's `str(UnicodeDecodeError)`. */
    readonly message: string;
    /** The text of every chunk decoded before the failing one. */
    readonly seenText: string;
  };

/** How CPython classifies the sequence at one position. */
type SequenceScan =
  | { readonly length: number }
  | { readonly bad: 1 | 2 | 3 | 4 }
  | { readonly short: true };

function isContinuation(b: number | undefined): boolean {
  return b !== undefined && b >= 0x80 && b < 0xc0;
}

/**
 * Classifies the multi-byte sequence starting at `i` exactly as CPython's
 * `utf8_decode` does: `bad` is its return code (1 = invalid start byte,
 * n > 1 = the n-th byte is an invalid continuation), `short` means the data
 * ends inside a sequence that is valid so far.
 */
function scanSequence(data: Uint8Array, i: number): SequenceScan {
  const b0 = data[i]!;
  const avail = data.length - i;
  const b1 = data[i + 1];
  if (b0 < 0xc2 || b0 > 0xf4) return { bad: 1 };
  if (b0 < 0xe0) {
    if (avail < 2) return { short: true };
    return isContinuation(b1) ? { length: 2 } : { bad: 2 };
  }
  if (avail >= 2) {
    const low = b0 < 0xf0 ? 0xa0 : 0x90;
    const edge = b0 < 0xf0 ? [0xe0, 0xed] : [0xf0, 0xf4];
    if (!isContinuation(b1) || (b1! < low ? b0 === edge[0] : b0 === edge[1])) {
      return { bad: 2 };
    }
  }
  if (avail >= 3 && !isContinuation(data[i + 2])) return { bad: 3 };
  const length = b0 < 0xf0 ? 3 : 4;
  if (avail < length) return { short: true };
  if (length === 4 && !isContinuation(data[i + 3])) return { bad: 4 };
  return { length };
}

/** A decode failure, with CPython's start/end positions and reason. */
interface Failure {
  readonly start: number;
  readonly end: number;
  readonly reason: string;
}

/**
 * Decodes `data` the way one call of CPython's incremental UTF-8 decoder
 * does: returns how many bytes form complete characters (the rest is held
 * over unless `final`), or the failure.
 */
function scanUtf8(data: Uint8Array, final: boolean): number | Failure {
  let i = 0;
  while (i < data.length) {
    if (data[i]! < 0x80) {
      i++;
      continue;
    }
    const scan = scanSequence(data, i);
    if ("length" in scan) {
      i += scan.length;
    } else if ("short" in scan) {
      if (!final) return i;
      return { start: i, end: data.length, reason: "unexpected end of data" };
    } else if (scan.bad === 1) {
      return { start: i, end: i + 1, reason: "invalid start byte" };
    } else {
      // A truncated surrogate (ED A0..BF) at the end of a chunk is held over
      // rather than rejected; the next chunk then rejects it.
      const b1 = data[i + 1] ?? 0;
      const heldSurrogate = scan.bad === 2 && !final && data[i] === 0xed &&
        data.length - i === 2 && b1 >= 0xa0 && b1 <= 0xbf;
      if (heldSurrogate) return i;
      const end = i + scan.bad - 1;
      return { start: i, end, reason: "invalid continuation byte" };
    }
  }
  return i;
}

function failureMessage(data: Uint8Array, f: Failure): string {
  if (f.end - f.start === 1) {
    const hex = data[f.start]!.toString(16).padStart(2, "0");
    return `'utf-8' codec can't decode byte 0x${hex} in position ${f.start}: ${f.reason}`;
  }
  return `'utf-8' codec can't decode bytes in position ${f.start}-${f.end - 1}: ${f.reason}`;
}

const decoder = new TextDecoder("utf-8", { ignoreBOM: true });

/**
 * Decodes a whole file as Python's text-mode `open()` with UTF-8 would,
 * without newline translation (see {@linkcode universalNewlines}).
 */
export function decodeTextFile(bytes: Uint8Array): TextFileDecode {
  let decodedEnd = 0;
  for (let offset = 0;; offset += CHUNK_SIZE) {
    // An empty read signals end of file; the decoder is then called once
    // more with only the held-over bytes and final=True.
    const final = offset >= bytes.length;
    const data = bytes.subarray(
      decodedEnd,
      Math.min(offset + CHUNK_SIZE, bytes.length),
    );
    const result = scanUtf8(data, final);
    if (typeof result !== "number") {
      return {
        ok: false,
        message: failureMessage(data, result),
        seenText: decoder.decode(bytes.subarray(0, decodedEnd)),
      };
    }
    decodedEnd += result;
    if (final) break;
  }
  return { ok: true, text: decoder.decode(bytes) };
}

/** Python's universal newlines on input: `\r\n` and a lone `\r` become `\n`. */
export function universalNewlines(text: string): string {
  return text.replace(/\r\n?/g, "\n");
}

/**
 * The lines `readline()` has handed out before a later chunk failed to
 * decode: every line completed by a newline in `seenText`. A trailing `\r`
 * is held back by Python's newline decoder (it may be half of `\r\n`), so it
 * does not complete a line.
 */
export function completeLines(seenText: string): string {
  const held = seenText.endsWith("\r") ? seenText.slice(0, -1) : seenText;
  const text = universalNewlines(held);
  return text.slice(0, text.lastIndexOf("\n") + 1);
}

/** Splits text into lines, each keeping its `\n` (the last one may lack it). */
export function splitLines(text: string): string[] {
  const lines = text.split("\n");
  const last = lines.pop()!;
  const out = lines.map((line) => line + "\n");
  if (last !== "") out.push(last);
  return out;
}
