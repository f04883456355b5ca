/**
 * HTTP Basic authentication as supervisord checks it (SURFACE AUTH.basic,
 * AUTH.sha, AUTH.401), including its lenient base64 reader and its
 * `{SHA}<hex sha1>` stored passwords.
 *
 * Outcomes, all observed on supervisord 4.2.5: no header, a header without
 * `<scheme> <credentials>`, an unknown scheme (also a stderr line), a wrong
 * user or password → 401; credentials whose base64 has bad padding or which
 * are not UTF-8 → 400 (and a stderr line); decoded credentials without a `:`
 * → 500 (Python fails unpacking them; replicated). One unavoidable
 * difference: the runtime hands over the header value already trimmed, so
 * the exact spacing after `Authorization:` is not checked.
 *
 * Python counterpart: supervisor/medusa/auth_handler.py (`auth_handler`)
 * and supervisor/http.py (`encrypted_dictionary_authorizer`).
 * @module
 */

/** The server section's credentials. */
export interface Credentials {
  username: string;
  /** Plain text, or `{SHA}` followed by the lower-case hex SHA-1 of the password. */
  password: string;
}

/** The verdict on one request's credentials. */
export type AuthOutcome = "ok" | "unauthorized" | "bad-request" | "error";

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B64_VALUE = new Map([...B64].map((c, i) => [c, i]));
const utf8Strict = new TextDecoder("utf-8", { fatal: true });

/**
 * Python's non-strict `binascii.a2b_base64`: characters outside the
 * alphabet are skipped, complete padding ends the input, and leftover bits
 * are an error.
 *
 * @throws {RangeError} On incorrect padding or a dangling character.
 */
export function pyA2bBase64(s: string): Uint8Array {
  const out: number[] = [];
  let quad = 0;
  let left = 0;
  let pads = 0;
  for (const c of s) {
    if (c === "=") {
      if (quad >= 2 && quad + ++pads >= 4) return new Uint8Array(out);
      continue;
    }
    const v = B64_VALUE.get(c);
    if (v === undefined) continue;
    pads = 0;
    if (quad === 1) out.push((left << 2) | (v >> 4));
    else if (quad === 2) out.push(((left << 4) | (v >> 2)) & 0xff);
    else if (quad === 3) out.push(((left << 6) | v) & 0xff);
    left = quad === 0 ? v : quad === 1 ? v & 0x0f : v & 0x03;
    quad = (quad + 1) % 4;
  }
  if (quad !== 0) throw new RangeError(quad === 1 ? "Invalid base64: dangling character" : "Incorrect padding");
  return new Uint8Array(out);
}

async function sha1Hex(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-1", new TextEncoder().encode(text)));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Checks an `Authorization` header value against `creds`.
 *
 * @param header The header value, or null when absent.
 * @param creds The configured user and password.
 * @param stderr Receives the lines supervisord prints to its stderr.
 * @returns "ok", or which error response to send.
 */
export async function checkBasicAuth(
  header: string | null,
  creds: Credentials,
  stderr: (line: string) => void = () => {},
): Promise<AuthOutcome> {
  if (header === null) return "unauthorized";
  const space = header.indexOf(" ");
  if (space <= 0) return "unauthorized"; // Medusa's `([^ ]+) (.*)` does not match
  const scheme = header.slice(0, space).toLowerCase();
  const cookie = header.slice(space + 1);
  if (scheme !== "basic") {
    stderr(`unknown/unsupported auth method: ${scheme}\n`);
    return "unauthorized";
  }
  let decoded: string;
  try {
    decoded = utf8Strict.decode(pyA2bBase64(cookie));
  } catch {
    stderr(`malformed authorization info <${cookie}>\n`);
    return "bad-request";
  }
  const colon = decoded.indexOf(":");
  if (colon === -1) return "error";
  const user = decoded.slice(0, colon);
  const password = decoded.slice(colon + 1);
  if (user !== creds.username) return "unauthorized";
  const ok = creds.password.startsWith("{SHA}")
    ? creds.password.slice(5) === await sha1Hex(password)
    : creds.password === password;
  return ok ? "ok" : "unauthorized";
}
