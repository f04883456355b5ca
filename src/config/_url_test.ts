import assert from "node:assert/strict";
import { url } from "./_url.ts";

Deno.test("url() accepts values with a scheme and a netloc or path", () => {
  for (
    const s of [
      "http://localhost:9001",
      "unix:///tmp/supervisor.sock",
      "localhost:9001",
      "http:/path",
      "http://[::1]:9001/RPC2",
      "http://[fe80::1%eth0]/",
      "x:y",
    ]
  ) assert.equal(url(s), s);
});

Deno.test("url() rejects values without a scheme or location", () => {
  for (const s of ["", "/tmp/x", "http://", "http:", "http:;params", "1http://x", "9001"]) {
    assert.throws(() => url(s), {
      name: "ValueConversionError",
      message: `value '${s}' is not a URL`,
    });
  }
});

Deno.test("url() raises urlsplit's errors for bad bracketed hosts", () => {
  assert.throws(() => url("http://[::1/"), { message: "Invalid IPv6 URL" });
  assert.throws(() => url("http://x[::1]/"), { message: "Invalid IPv6 URL" });
  assert.throws(() => url("http://[1.2.3.4]/"), { message: "An IPv4 address cannot be in brackets" });
  assert.throws(() => url("http://[vz]/"), { message: "IPvFuture address is invalid" });
  assert.throws(() => url("http://[1::2::3]/"), {
    message: "'1::2::3' does not appear to be an IPv4 or IPv6 address",
  });
});
