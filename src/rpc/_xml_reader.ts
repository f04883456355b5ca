/**
 * A small strict XML 1.0 pull reader: just what XML-RPC documents use.
 *
 * Accepted: an XML declaration at the very start, elements with (ignored)
 * attributes, character data with the five predefined entities and numeric
 * character references, CDATA sections, comments and processing instructions
 * (skipped). Rejected, with {@linkcode XmlRpcParseError}: any DOCTYPE (so no
 * entity declarations and no entity expansion attacks), undefined entities,
 * characters XML 1.0 forbids (raw or as character references), mismatched
 * tags, comments containing `--`, an XML declaration anywhere but the start.
 * Line ends are normalised as XML requires (CRLF and lone CR become LF; a
 * `&#13;` reference stays CR). The encoding declaration is read but ignored:
 * input is always UTF-8 (supervisord's own server decodes bodies as UTF-8
 * whatever they declare).
 *
 * Python counterpart: none directly; supervisor uses expat through
 * xml.etree (server side) and xmlrpc.client (client side).
 * @module
 */

/** The input is not well-formed XML or not a valid XML-RPC document. */
export class XmlRpcParseError extends SyntaxError {
  /**
   * @param reason What is wrong, without position.
   * @param offset UTF-16 offset into the decoded text.
   * @param line 1-based line.
   * @param column 1-based column.
   */
  constructor(readonly reason: string, readonly offset: number, readonly line: number, readonly column: number) {
    super(`Cannot parse XML-RPC: ${reason} (line ${line}, column ${column})`);
    this.name = "XmlRpcParseError";
  }
}

/** A start tag just read. */
export interface StartTag {
  /** The qualified name as written (`ex:nil`). */
  readonly name: string;
  /** The name without a namespace prefix (`nil`); what XML-RPC dispatches on. */
  readonly local: string;
  /** `<x/>`: no content and no end tag follow. */
  readonly empty: boolean;
  /** Offset of the `<`, for error positions. */
  readonly at: number;
}

// deno-lint-ignore no-control-regex -- these are exactly the characters XML 1.0 forbids
const ILLEGAL_CHAR = /[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]/u;
const TEXT_RUN = /[^<&\r]+/y;
const WS_RUN = /[ \t\n\r]*/y;
const NAME = /[A-Za-z_:][-A-Za-z0-9._:]*/y; // processing-instruction targets
const ATTRIBUTE = /[ \t\n\r]+([A-Za-z_:][-A-Za-z0-9._:]*)[ \t\n\r]*=[ \t\n\r]*("[^"<]*"|'[^'<]*')/y;
const TAG_END = /[ \t\n\r]*(\/?)>/y;
const ENTITY = /&(?:(lt|gt|amp|quot|apos)|#([0-9]+)|#x([0-9a-fA-F]+));/y;
const XML_DECL =
  /<\?xml[ \t\n\r]+version[ \t\n\r]*=[ \t\n\r]*(?:'1\.[0-9]+'|"1\.[0-9]+")(?:[ \t\n\r]+encoding[ \t\n\r]*=[ \t\n\r]*(?:'[A-Za-z][-A-Za-z0-9._]*'|"[A-Za-z][-A-Za-z0-9._]*"))?(?:[ \t\n\r]+standalone[ \t\n\r]*=[ \t\n\r]*(?:'(?:yes|no)'|"(?:yes|no)"))?[ \t\n\r]*\?>/y;
const PREDEFINED: Readonly<Record<string, string>> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };
const ONLY_WS = /^[ \t\n]*$/;

/** `[A-Za-z_:]` first, then also `[-.0-9]`: the ASCII part of XML's Name production. */
function isNameChar(c: number, first: boolean): boolean {
  if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 58) return true;
  return !first && ((c >= 48 && c <= 57) || c === 45 || c === 46);
}

function isXmlChar(cp: number): boolean {
  return cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

/** Reads one XML document front to back; every method advances `pos`. */
export class XmlReader {
  pos = 0;

  constructor(readonly src: string) {
    const bad = ILLEGAL_CHAR.exec(src);
    if (bad !== null) this.fail("character not allowed in XML", bad.index);
  }

  /** Throws an {@linkcode XmlRpcParseError} at `at` (default: the current position). */
  fail(reason: string, at: number = this.pos): never {
    let line = 1;
    let lineStart = 0;
    for (let i = this.src.indexOf("\n"); i !== -1 && i < at; i = this.src.indexOf("\n", i + 1)) {
      line++;
      lineStart = i + 1;
    }
    throw new XmlRpcParseError(reason, at, line, at - lineStart + 1);
  }

  /** Reads the optional XML declaration and what may follow it before the root element. */
  prolog(): void {
    if (this.src.startsWith("<?xml") && /[ \t\n\r?]/.test(this.src.charAt(5))) {
      XML_DECL.lastIndex = 0;
      if (!XML_DECL.test(this.src)) this.fail("malformed XML declaration", 0);
      this.pos = XML_DECL.lastIndex;
    }
    this.misc();
  }

  /** Skips whitespace, comments and processing instructions outside the root element. */
  misc(): void {
    for (;;) {
      WS_RUN.lastIndex = this.pos;
      WS_RUN.test(this.src);
      this.pos = WS_RUN.lastIndex;
      if (this.src.startsWith("<!--", this.pos)) this.pos = this.skipComment(this.pos);
      else if (this.src.startsWith("<?", this.pos)) this.pos = this.skipPi(this.pos);
      else if (this.src.startsWith("<!DOCTYPE", this.pos)) this.fail("DOCTYPE declarations are not allowed");
      else return;
    }
  }

  /** Requires the end of input (after trailing misc). */
  end(): void {
    this.misc();
    if (this.pos < this.src.length) this.fail("unexpected content after the document element");
  }

  /**
   * Reads character data up to the next start or end tag: entities resolved,
   * CDATA included, comments and processing instructions skipped.
   */
  text(): string {
    const src = this.src;
    let pos = this.pos;
    let out = "";
    for (;;) {
      TEXT_RUN.lastIndex = pos;
      if (TEXT_RUN.test(src)) {
        out += src.slice(pos, TEXT_RUN.lastIndex);
        pos = TEXT_RUN.lastIndex;
      }
      const c = src.charCodeAt(pos);
      if (c === 13) { // CR: CRLF and lone CR both read as LF
        out += "\n";
        pos += src.charCodeAt(pos + 1) === 10 ? 2 : 1;
      } else if (c === 38) { // &
        ENTITY.lastIndex = pos;
        const m = ENTITY.exec(src);
        if (m === null) this.fail("undefined or malformed entity reference", pos);
        out += m[1] !== undefined ? PREDEFINED[m[1]] : this.charRef(m[2] ?? m[3] ?? "", m[2] === undefined, pos);
        pos = ENTITY.lastIndex;
      } else if (src.startsWith("<![CDATA[", pos)) {
        const close = src.indexOf("]]>", pos + 9);
        if (close === -1) this.fail("unterminated CDATA section", pos);
        out += src.slice(pos + 9, close).replace(/\r\n?/g, "\n");
        pos = close + 3;
      } else if (src.startsWith("<!--", pos)) {
        pos = this.skipComment(pos);
      } else if (src.startsWith("<?", pos)) {
        pos = this.skipPi(pos);
      } else {
        this.pos = pos; // a tag, or the end of input
        return out;
      }
    }
  }

  /** Skips whitespace-only content between elements; other text is an error. */
  space(): void {
    const src = this.src;
    let next = this.pos;
    let c = src.charCodeAt(next);
    while (c === 32 || c === 10 || c === 9 || c === 13) c = src.charCodeAt(++next);
    const after = src.charCodeAt(next + 1);
    if (c === 60 && after !== 33 && after !== 63) { // "<" not followed by "!" or "?"
      this.pos = next;
      return;
    }
    const start = this.pos;
    if (!ONLY_WS.test(this.text())) this.fail("unexpected text between elements", start);
  }

  /** True when the reader is at an end tag. */
  atEndTag(): boolean {
    return this.src.charCodeAt(this.pos) === 60 && this.src.charCodeAt(this.pos + 1) === 47;
  }

  /** Reads a start tag; attributes are checked for well-formedness and ignored. */
  openTag(): StartTag {
    const src = this.src;
    const at = this.pos;
    if (src.charCodeAt(at) !== 60) this.fail(at >= src.length ? "unexpected end of input" : "expected a tag");
    let pos = at + 1;
    let colon = -1;
    for (let c = src.charCodeAt(pos); isNameChar(c, pos === at + 1); c = src.charCodeAt(++pos)) {
      if (c === 58) colon = pos;
    }
    if (pos === at + 1) this.fail("expected an element name", at + 1);
    const name = src.slice(at + 1, pos);
    const local = colon === -1 ? name : src.slice(colon + 1, pos);
    const c = src.charCodeAt(pos);
    if (c === 62) { // ">": the common case, no attributes
      this.pos = pos + 1;
      return { name, local, empty: false, at };
    }
    if (c === 47 && src.charCodeAt(pos + 1) === 62) { // "/>"
      this.pos = pos + 2;
      return { name, local, empty: true, at };
    }
    TAG_END.lastIndex = this.attributes(pos);
    const end = TAG_END.exec(src);
    if (end === null) this.fail(`malformed start tag <${name}>`, TAG_END.lastIndex);
    this.pos = TAG_END.lastIndex;
    return { name, local, empty: end[1] === "/", at };
  }

  /** Reads the end tag of `tag`. */
  closeTag(tag: StartTag): void {
    const src = this.src;
    const at = this.pos;
    if (src.charCodeAt(at) !== 60 || src.charCodeAt(at + 1) !== 47 || !src.startsWith(tag.name, at + 2)) {
      this.fail(at >= src.length ? `missing </${tag.name}>` : `expected </${tag.name}>`);
    }
    const after = at + 2 + tag.name.length;
    if (src.charCodeAt(after) === 62) { // ">"
      this.pos = after + 1;
      return;
    }
    TAG_END.lastIndex = after;
    const end = TAG_END.exec(src);
    if (end === null || end[1] === "/") this.fail(`malformed end tag </${tag.name}>`, at);
    this.pos = TAG_END.lastIndex;
  }

  /** Checks the attributes starting at `pos`; returns the position after them. */
  private attributes(pos: number): number {
    let seen: string[] | null = null;
    for (;;) {
      ATTRIBUTE.lastIndex = pos;
      const a = ATTRIBUTE.exec(this.src);
      if (a === null) return pos;
      const attr = a[1] ?? "";
      seen ??= [];
      if (seen.includes(attr)) this.fail(`duplicate attribute "${attr}"`, pos);
      seen.push(attr);
      this.checkAttributeValue(a[2] ?? "", pos);
      pos = ATTRIBUTE.lastIndex;
    }
  }

  private charRef(digits: string, hex: boolean, at: number): string {
    const cp = digits.length > 8 ? -1 : parseInt(digits, hex ? 16 : 10);
    if (!isXmlChar(cp)) this.fail("character reference to a character not allowed in XML", at);
    return String.fromCodePoint(cp);
  }

  private checkAttributeValue(quoted: string, at: number): void {
    const value = quoted.slice(1, -1);
    for (let i = value.indexOf("&"); i !== -1; i = value.indexOf("&", i + 1)) {
      ENTITY.lastIndex = i;
      const m = ENTITY.exec(value);
      if (m === null) this.fail("undefined or malformed entity reference in attribute", at);
      if (m[1] === undefined) this.charRef(m[2] ?? m[3] ?? "", m[2] === undefined, at);
    }
  }

  private skipComment(at: number): number {
    const close = this.src.indexOf("-->", at + 4);
    if (close === -1) this.fail("unterminated comment", at);
    if (this.src.slice(at + 4, close).includes("--")) this.fail('"--" inside a comment', at);
    return close + 3;
  }

  private skipPi(at: number): number {
    NAME.lastIndex = at + 2;
    const m = NAME.exec(this.src);
    if (m === null) this.fail("malformed processing instruction", at);
    if (m[0].toLowerCase() === "xml") this.fail("XML declaration not at the start of the document", at);
    const close = this.src.indexOf("?>", NAME.lastIndex);
    if (close === -1) this.fail("unterminated processing instruction", at);
    return close + 2;
  }
}
