/**
 * DT.url: the `serverurl` / `-s` check that a value parses as a URL with a
 * scheme and a netloc or path.
 *
 * Python counterpart: supervisor/datatypes.py (`url`) over CPython 3.11's
 * `urllib.parse.urlparse` (including Debian's bracketed-host validation).
 * @module
 */

import { ValueConversionError } from "./errors.ts";
import { pyRepr } from "./pyrepr.ts";

const SCHEME_CHARS = /^[A-Za-z0-9+\-.]+$/;
/** `urllib.parse.uses_params`: schemes whose path may carry `;params`. */
const USES_PARAMS: ReadonlySet<string> = new Set([
  "",
  "ftp",
  "hdl",
  "prospero",
  "http",
  "imap",
  "https",
  "shttp",
  "rtsp",
  "rtspu",
  "sip",
  "sips",
  "mms",
  "sftp",
  "tel",
]);

/** `ipaddress.IPv4Address(s)` accepts `s`. */
function isIPv4(s: string): boolean {
  const octets = s.split(".");
  return octets.length === 4 && octets.every((o) =>
    /^[0-9]{1,3}$/.test(o) && (o === "0" || !o.startsWith("0")) &&
    Number(o) <= 255
  );
}

/** `ipaddress.IPv6Address(s)` accepts `s` (scope id and IPv4 tail allowed). */
function isIPv6(address: string): boolean {
  const percent = address.indexOf("%");
  const s = percent < 0 ? address : address.slice(0, percent);
  if (percent >= 0) {
    const scope = address.slice(percent + 1);
    if (scope === "" || scope.includes("%")) return false;
  }
  if (s === "" || s.includes("/")) return false;
  const parts = s.split(":");
  if (parts.length < 3) return false;
  const last = parts[parts.length - 1]!;
  if (last.includes(".")) {
    if (!isIPv4(last)) return false;
    parts.splice(parts.length - 1, 1, "0", "0");
  }
  if (parts.length > 9) return false;
  const inner = parts.slice(1, -1);
  const skips = inner.filter((p) => p === "").length;
  if (skips > 1) return false;
  let hextets: string[];
  if (skips === 1) {
    const at = inner.indexOf("") + 1;
    let hi = parts.slice(0, at);
    let lo = parts.slice(at + 1);
    if (hi[0] === "") {
      if (hi.length !== 1) return false;
      hi = [];
    }
    if (lo[lo.length - 1] === "") {
      if (lo.length !== 1) return false;
      lo = [];
    }
    if (8 - (hi.length + lo.length) < 1) return false;
    hextets = [...hi, ...lo];
  } else {
    if (parts.length !== 8) return false;
    hextets = parts;
  }
  return hextets.every((h) => /^[0-9a-fA-F]{1,4}$/.test(h));
}

/** `_check_bracketed_netloc`: what is inside `[...]` must be an IPv6 address. */
function checkBracketedNetloc(netloc: string): void {
  const hostPort = netloc.slice(netloc.lastIndexOf("@") + 1);
  const open = hostPort.indexOf("[");
  let host: string;
  if (open >= 0) {
    const bracketed = hostPort.slice(open + 1);
    const close = bracketed.indexOf("]");
    host = close < 0 ? bracketed : bracketed.slice(0, close);
    const port = close < 0 ? "" : bracketed.slice(close + 1);
    if (open > 0 || (port !== "" && !port.startsWith(":"))) {
      throw new ValueConversionError("Invalid IPv6 URL");
    }
  } else {
    const colon = hostPort.indexOf(":");
    host = colon < 0 ? hostPort : hostPort.slice(0, colon);
  }
  if (host.startsWith("v")) {
    if (!/^v[a-fA-F0-9]+\..+$/s.test(host)) {
      throw new ValueConversionError("IPvFuture address is invalid");
    }
  } else if (isIPv4(host)) {
    throw new ValueConversionError("An IPv4 address cannot be in brackets");
  } else if (!isIPv6(host)) {
    throw new ValueConversionError(
      `${pyRepr(host)} does not appear to be an IPv4 or IPv6 address`,
    );
  }
}

/** `_checknetloc`: no `/?#@:` may appear through NFKC normalization. */
function checkNetloc(netloc: string): void {
  if (Array.from(netloc).every((ch) => ch.charCodeAt(0) < 0x80)) return;
  const n = netloc.replace(/[@:#?]/g, "");
  const normalized = n.normalize("NFKC");
  if (n === normalized) return;
  if (/[/?#@:]/.test(normalized)) {
    throw new ValueConversionError(
      `netloc '${netloc}' contains invalid characters under NFKC normalization`,
    );
  }
}

/**
 * Splits off the scheme and netloc as `urlsplit` does, raising its
 * `ValueError`s; returns whether a scheme and a netloc or path are present.
 */
function hasSchemeAndLocation(value: string): boolean {
  // WHATWG: leading C0 controls and spaces go, and so do tab, CR and LF.
  let start = 0;
  while (start < value.length && value.charCodeAt(start) <= 0x20) start++;
  let rest = value.slice(start).replace(/[\t\r\n]/g, "");
  let scheme = "";
  const colon = rest.indexOf(":");
  if (colon > 0 && /^[A-Za-z]/.test(rest) && SCHEME_CHARS.test(rest.slice(0, colon))) {
    scheme = rest.slice(0, colon);
    rest = rest.slice(colon + 1);
  }
  let netloc = "";
  if (rest.startsWith("//")) {
    const end = rest.slice(2).search(/[/?#]/);
    netloc = end < 0 ? rest.slice(2) : rest.slice(2, end + 2);
    rest = end < 0 ? "" : rest.slice(end + 2);
    const open = netloc.includes("["), close = netloc.includes("]");
    if (open !== close) throw new ValueConversionError("Invalid IPv6 URL");
    if (open) checkBracketedNetloc(netloc);
  }
  let path = rest.split("#")[0]!.split("?")[0]!;
  checkNetloc(netloc);
  if (USES_PARAMS.has(scheme.toLowerCase()) && path.includes(";")) {
    // `_splitparams`: `;params` after the last path segment is not path.
    const at = path.includes("/") ? path.indexOf(";", path.lastIndexOf("/")) : path.indexOf(";");
    if (at >= 0) path = path.slice(0, at);
  }
  return scheme !== "" && (netloc !== "" || path !== "");
}

/** DT.url: `value %r is not a URL` unless it has a scheme and a netloc or path. */
export function url(s: string): string {
  if (hasSchemeAndLocation(s)) return s;
  throw new ValueConversionError(`value ${pyRepr(s)} is not a URL`);
}
