import assert from "node:assert/strict";
import { colonSeparatedUserGroup, gidForUid, nameToGid, nameToUid, parseGroup, parsePasswd } from "./_users.ts";

const PASSWD = parsePasswd(
  [
    "root:x:0:0:root:/root:/bin/bash",
    "# a comment",
    "",
    "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin",
    "www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin",
    "+nisuser::::::",
    "broken:x:notanumber:1::/:",
    "short:x:1000:1000",
  ].join("\n"),
);
const GROUPS = parseGroup(
  ["root:x:0:", "adm:x:4:syslog,ann", "www-data:x:33:", "bad:x:", "staff:x:50:ann,"].join("\n"),
);

Deno.test("parsePasswd() reads name, uid, gid and home, skipping non-records", () => {
  assert.deepEqual(PASSWD, [
    { name: "root", uid: 0, gid: 0, home: "/root" },
    { name: "daemon", uid: 1, gid: 1, home: "/usr/sbin" },
    { name: "www-data", uid: 33, gid: 33, home: "/var/www" },
    { name: "short", uid: 1000, gid: 1000, home: "" },
  ]);
});

Deno.test("parseGroup() reads name, gid and members", () => {
  assert.deepEqual(GROUPS, [
    { name: "root", gid: 0, members: [] },
    { name: "adm", gid: 4, members: ["syslog", "ann"] },
    { name: "www-data", gid: 33, members: [] },
    { name: "staff", gid: 50, members: ["ann"] },
  ]);
});

Deno.test("nameToUid() resolves names and checks numeric ids", () => {
  assert.equal(nameToUid("www-data", PASSWD), 33);
  assert.equal(nameToUid("0", PASSWD), 0);
  assert.equal(nameToUid(" 33 ", PASSWD), 33);
  assert.throws(() => nameToUid("nobody", PASSWD), {
    name: "ValueConversionError",
    message: "Invalid user name nobody",
  });
  assert.throws(() => nameToUid("4242", PASSWD), { message: "Invalid user id 4242" });
  assert.throws(() => nameToUid("", PASSWD), { message: "Invalid user name " });
  assert.throws(() => nameToUid("a\0b", PASSWD), { message: "embedded null byte" });
});

Deno.test("nameToGid() resolves names and checks numeric ids", () => {
  assert.equal(nameToGid("adm", GROUPS), 4);
  assert.equal(nameToGid("50", GROUPS), 50);
  assert.throws(() => nameToGid("wheel", GROUPS), { message: "Invalid group name wheel" });
  assert.throws(() => nameToGid("7", GROUPS), { message: "Invalid group id 7" });
});

Deno.test("gidForUid() returns the primary group of a uid", () => {
  assert.equal(gidForUid(33, PASSWD), 33);
  assert.equal(gidForUid(4242, PASSWD), undefined);
});

Deno.test("colonSeparatedUserGroup() returns gid -1 when no group is given", () => {
  assert.deepEqual(colonSeparatedUserGroup("www-data", PASSWD, GROUPS), { uid: 33, gid: -1 });
  assert.deepEqual(colonSeparatedUserGroup("root:adm", PASSWD, GROUPS), { uid: 0, gid: 4 });
  assert.deepEqual(colonSeparatedUserGroup("0:50", PASSWD, GROUPS), { uid: 0, gid: 50 });
});

Deno.test("colonSeparatedUserGroup() reports any failure as one message", () => {
  for (const s of ["nobody", "root:wheel", "root:", ":adm", "root:adm:x"]) {
    assert.throws(() => colonSeparatedUserGroup(s, PASSWD, GROUPS), {
      name: "ValueConversionError",
      message: `Invalid user:group definition ${s}`,
    });
  }
});
