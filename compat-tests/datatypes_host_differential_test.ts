/**
 * Differential test for the host-dependent converters: users and groups
 * (against Python's `pwd`/`grp` over this machine's /etc/passwd and
 * /etc/group) and paths (against `os.path` over the real file system).
 *
 * Python counterpart: supervisor/datatypes.py (`name_to_uid`,
 * `name_to_gid`, `colon_separated_user_group`, `existing_directory`,
 * `existing_dirpath`, `logfile_name`).
 * @module
 */

import assert from "node:assert/strict";
import { existsSync, readFileSync, statSync } from "node:fs";
import {
  colonSeparatedUserGroup,
  existingDirectory,
  existingDirpath,
  logfileName,
  nameToGid,
  nameToUid,
  parseGroup,
  parsePasswd,
  type PathProbe,
} from "../src/config/datatypes.ts";
import { hasPython, type Outcome, outcomeOf, PY_OUTCOME, runPython } from "./_python.ts";

const hasFiles = existsSync("/etc/passwd") && existsSync("/etc/group");
const passwd = hasFiles ? parsePasswd(readFileSync("/etc/passwd", "utf8")) : [];
const groups = hasFiles ? parseGroup(readFileSync("/etc/group", "utf8")) : [];

Deno.test({
  name: "[DT.user] nameToUid(), nameToGid() and colonSeparatedUserGroup() match pwd/grp lookups",
  ignore: !hasPython || !hasFiles,
  fn: () => {
    const users = passwd.flatMap((e) => [e.name, String(e.uid)]);
    const groupNames = groups.flatMap((e) => [e.name, String(e.gid)]);
    const bogus = ["no_such_user", "99999", " 0 ", "-1", "0_0", "", "a\0b", "ROOT", "root "];
    const pairs = ["root:root", "root:", ":root", "root:99999", "0:0", "no_such:root", "root:root:x"];
    const inputs = { users: [...users, ...bogus], groups: [...groupNames, ...bogus], pairs };
    const py = runPython(
      PY_OUTCOME +
        "from supervisor import datatypes as dt\n" +
        "emit([[outcome(dt.name_to_uid, s) for s in INPUT['users']],\n" +
        "      [outcome(dt.name_to_gid, s) for s in INPUT['groups']],\n" +
        "      [outcome(lambda s: list(dt.colon_separated_user_group(s)), s)\n" +
        "       for s in INPUT['users'] + INPUT['pairs']]])",
      inputs,
    ) as Outcome[][];
    inputs.users.forEach((s, i) => {
      assert.deepEqual(outcomeOf(() => nameToUid(s, passwd)), py[0]![i], `uid ${JSON.stringify(s)}`);
    });
    inputs.groups.forEach((s, i) => {
      assert.deepEqual(outcomeOf(() => nameToGid(s, groups)), py[1]![i], `gid ${JSON.stringify(s)}`);
    });
    [...inputs.users, ...pairs].forEach((s, i) => {
      const ours = outcomeOf(() => {
        const { uid, gid } = colonSeparatedUserGroup(s, passwd, groups);
        return [uid, gid];
      });
      assert.deepEqual(ours, py[2]![i], `user:group ${JSON.stringify(s)}`);
    });
  },
});

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

Deno.test({
  name:
    "[DT.existingdir,DT.dirpath,DT.logfile] existingDirectory(), existingDirpath() and logfileName() match os.path on this host",
  ignore: !hasPython || !hasFiles,
  fn: () => {
    const probe: PathProbe = {
      home: undefined,
      isDirectory,
      userHome: (name) => passwd.find((e) => e.name === name)?.home,
    };
    const inputs = [
      "/tmp",
      "/tmp/",
      "/nonexistent",
      "/etc/passwd",
      "~",
      "~/",
      "~root",
      "~root/x.log",
      "~no_such_user/x",
      "/tmp/x.log",
      "/nonexistent/x.log",
      "x.log",
      "",
      "~/x.log",
      "/etc/passwd/x",
      ".",
      "./x",
      "../x",
      "/",
      "//",
      "//tmp//x",
      "~no_such_user",
      "NONE",
      "off",
      "Auto",
      "SYSLOG",
      "none/x",
    ];
    // Python sees HOME as set below; ours gets the same value through the probe.
    const home = "/tmp";
    probe.home = home;
    const py = runPython(
      PY_OUTCOME +
        "import os\n" +
        `os.environ['HOME'] = ${JSON.stringify(home)}\n` +
        "from supervisor import datatypes as dt\n" +
        "def logfile(s):\n" +
        "    v = dt.logfile_name(s)\n" +
        "    return {None: 'none', dt.Automatic: 'auto', dt.Syslog: 'syslog'}.get(v, v)\n" +
        "emit([[outcome(f, s) for s in INPUT]\n" +
        "      for f in (dt.existing_directory, dt.existing_dirpath, logfile)])",
      inputs,
    ) as Outcome[][];
    const logfile = (s: string) => {
      const v = logfileName(s, probe);
      return v.kind === "path" ? v.path : v.kind;
    };
    const ours = [
      (s: string) => existingDirectory(s, probe),
      (s: string) => existingDirpath(s, probe),
      logfile,
    ];
    ours.forEach((fn, i) => {
      inputs.forEach((s, j) => {
        assert.deepEqual(outcomeOf(() => fn(s)), py[i]![j], `${i}: ${JSON.stringify(s)}`);
      });
    });
  },
});
