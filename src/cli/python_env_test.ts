import assert from "node:assert/strict";
import { pythonStartupEnv } from "./python_env.ts";

Deno.test("pythonStartupEnv() sets LC_CTYPE=C.UTF-8 for a C or unset locale", () => {
  assert.equal(pythonStartupEnv({ PATH: "/bin" }).LC_CTYPE, "C.UTF-8");
  assert.equal(pythonStartupEnv({ LANG: "C" }).LC_CTYPE, "C.UTF-8");
  assert.equal(
    pythonStartupEnv({ LC_CTYPE: "POSIX", LANG: "en_US.UTF-8" }).LC_CTYPE,
    "C.UTF-8",
  );
});

Deno.test("pythonStartupEnv() leaves a real locale, LC_ALL and PYTHONCOERCECLOCALE=0 alone", () => {
  assert.equal(pythonStartupEnv({ LANG: "C.UTF-8" }).LC_CTYPE, undefined);
  assert.equal(pythonStartupEnv({ LC_ALL: "C" }).LC_CTYPE, undefined);
  assert.equal(
    pythonStartupEnv({ PYTHONCOERCECLOCALE: "0" }).LC_CTYPE,
    undefined,
  );
  assert.equal(
    pythonStartupEnv({ LC_CTYPE: "de_DE.UTF-8" }).LC_CTYPE,
    "de_DE.UTF-8",
  );
});

Deno.test("pythonStartupEnv() does not change its argument", () => {
  const env = { PATH: "/bin" };
  pythonStartupEnv(env);
  assert.deepEqual(env, { PATH: "/bin" });
});
