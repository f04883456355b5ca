import { deepStrictEqual as assertEquals, equal, throws } from "node:assert/strict";
import { checkBasicAuth, pyA2bBase64 } from "./_basic_auth.ts";

const text = (s: string) => new TextDecoder().decode(pyA2bBase64(s));
const b64 = (s: string) => btoa(s);

Deno.test("pyA2bBase64() decodes as Python's lenient binascii.a2b_base64 does", () => {
  // Expected values printed by /usr/bin/python3 binascii.a2b_base64.
  equal(text("Ym9iOnRlc3Q="), "bob:test");
  equal(text("Ym9iOnRlc3Q=!!"), "bob:test");
  equal(text("Ym9i OnRl\nc3Q="), "bob:test");
  equal(text("aGk=garbage"), "hi");
  equal(text("aG=="), "h");
  equal(text(""), "");
  equal(text("="), "");
  equal(text("YW=Jj"), "abc");
  equal(text("YWJj="), "abc");
  assertEquals(pyA2bBase64("YQ=Jj"), new Uint8Array([0x61, 0x02, 0x63]));
  equal(text("****"), "");
  equal(text("YéWJj"), "abc");
  throws(() => pyA2bBase64("aGk"), /Incorrect padding/);
  throws(() => pyA2bBase64("a"), /dangling/);
  throws(() => pyA2bBase64("a==="), /dangling/);
});

Deno.test("[AUTH.basic,AUTH.sha] checkBasicAuth() verdicts, plain and {SHA} passwords", async () => {
  const plain = { username: "bob", password: "s3cr:et" };
  const sha = { username: "bob", password: "{SHA}a94a8fe5ccb19ba61c4c0873d391e987982fbbd3" }; // sha1("test")
  const errs: string[] = [];
  const check = (h: string | null, c = plain) => checkBasicAuth(h, c, (l) => void errs.push(l));
  equal(await check(`Basic ${b64("bob:s3cr:et")}`), "ok"); // split at the first colon
  equal(await check(`bAsIc ${b64("bob:s3cr:et")}`), "ok");
  equal(await check(`Basic ${b64("bob:wrong")}`), "unauthorized");
  equal(await check(`Basic ${b64("alice:s3cr:et")}`), "unauthorized");
  equal(await check(null), "unauthorized");
  equal(await check("Basic"), "unauthorized");
  equal(await check(`Basic ${b64("bob:test")}`, sha), "ok");
  equal(await check(`Basic ${b64("bob:TEST")}`, sha), "unauthorized");
  equal(await check(`Basic ${b64("bob:{SHA}a94a8fe5ccb19ba61c4c0873d391e987982fbbd3")}`, sha), "unauthorized");
  assertEquals(errs, []);
  equal(await check("Digest abc"), "unauthorized");
  equal(await check("Basic aGk"), "bad-request");
  equal(await check(`Basic ${b64("bob:\xff")}`), "bad-request"); // not UTF-8
  equal(await check(`Basic ${b64("bob")}`), "error"); // Python fails unpacking: HTTP 500
  assertEquals(errs, [
    "unknown/unsupported auth method: digest\n",
    "malformed authorization info <aGk>\n",
    `malformed authorization info <${b64("bob:\xff")}>\n`,
  ]);
});
