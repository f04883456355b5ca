/**
 * User and group resolution for `user=`, `chown=` and `socket_owner=`, over
 * the text of /etc/passwd and /etc/group the caller reads (JS runtimes have
 * no getpwnam/getgrnam).
 *
 * Python counterpart: supervisor/datatypes.py (`name_to_uid`,
 * `name_to_gid`, `gid_for_uid`, `colon_separated_user_group`) over
 * Python's `pwd` and `grp` modules.
 * @module
 */

import { ValueConversionError } from "./errors.ts";
import { pyParseInt } from "./_pytext.ts";

/** One /etc/passwd record (the fields supervisord uses). */
export interface PasswdEntry {
  /** The user name. */
  name: string;
  /** The user id. */
  uid: number;
  /** The primary group id. */
  gid: number;
  /** The home directory. */
  home: string;
}

/** One /etc/group record. */
export interface GroupEntry {
  /** The group name. */
  name: string;
  /** The group id. */
  gid: number;
  /** The user names listed as members. */
  members: string[];
}

/** The colon-separated fields of each record line, as glibc's files source reads them. */
function records(text: string): string[][] {
  const out: string[][] = [];
  for (const raw of text.split("\n")) {
    const line = raw.replace(/^[ \t]+/, "");
    // Comments, blank lines and NIS compat entries (+name, -name) are not records.
    if (line === "" || line.startsWith("#") || /^[+-]/.test(line)) continue;
    out.push(line.split(":"));
  }
  return out;
}

const ID = /^[0-9]+$/;

/** Parses /etc/passwd text; malformed lines are skipped, as glibc does. */
export function parsePasswd(text: string): PasswdEntry[] {
  const entries: PasswdEntry[] = [];
  for (const f of records(text)) {
    const [name, , uid, gid, , home] = f;
    if (name === undefined || uid === undefined || gid === undefined) continue;
    if (!ID.test(uid) || !ID.test(gid)) continue;
    entries.push({ name, uid: Number(uid), gid: Number(gid), home: home ?? "" });
  }
  return entries;
}

/** Parses /etc/group text; malformed lines are skipped, as glibc does. */
export function parseGroup(text: string): GroupEntry[] {
  const entries: GroupEntry[] = [];
  for (const f of records(text)) {
    const [name, , gid, members] = f;
    if (name === undefined || gid === undefined || !ID.test(gid)) continue;
    const list = (members ?? "").split(",").filter((m) => m !== "");
    entries.push({ name, gid: Number(gid), members: list });
  }
  return entries;
}

/** Python's `int(s)`, or undefined where it raises. */
function asInt(s: string): number | undefined {
  try {
    return Number(pyParseInt(s));
  } catch {
    return undefined;
  }
}

/** `pwd.getpwnam`/`grp.getgrnam` reject names holding a NUL byte. */
function checkNul(s: string): void {
  if (s.includes("\0")) throw new ValueConversionError("embedded null byte");
}

/**
 * DT.user: a user name, or a numeric uid (Python `int()` spelling), that
 * must exist in `passwd`: `Invalid user name %s` / `Invalid user id %s`.
 */
export function nameToUid(s: string, passwd: readonly PasswdEntry[]): number {
  const uid = asInt(s);
  if (uid !== undefined) {
    if (passwd.some((e) => e.uid === uid)) return uid;
    throw new ValueConversionError(`Invalid user id ${s}`);
  }
  checkNul(s);
  const entry = passwd.find((e) => e.name === s);
  if (entry === undefined) {
    throw new ValueConversionError(`Invalid user name ${s}`);
  }
  return entry.uid;
}

/**
 * A group name, or a numeric gid, that must exist in `groups`:
 * `Invalid group name %s` / `Invalid group id %s`.
 */
export function nameToGid(s: string, groups: readonly GroupEntry[]): number {
  const gid = asInt(s);
  if (gid !== undefined) {
    if (groups.some((e) => e.gid === gid)) return gid;
    throw new ValueConversionError(`Invalid group id ${s}`);
  }
  checkNul(s);
  const entry = groups.find((e) => e.name === s);
  if (entry === undefined) {
    throw new ValueConversionError(`Invalid group name ${s}`);
  }
  return entry.gid;
}

/** The primary gid of `uid` (Python `gid_for_uid`), or undefined if unknown. */
export function gidForUid(
  uid: number,
  passwd: readonly PasswdEntry[],
): number | undefined {
  return passwd.find((e) => e.uid === uid)?.gid;
}

/**
 * `user` or `user:group` (chown-like options). Without a group the gid is
 * -1, which chown() takes as "leave the group alone", as in Python. Any
 * failure is `Invalid user:group definition %s`.
 */
export function colonSeparatedUserGroup(
  s: string,
  passwd: readonly PasswdEntry[],
  groups: readonly GroupEntry[],
): { uid: number; gid: number } {
  try {
    const colon = s.indexOf(":");
    if (colon < 0) return { uid: nameToUid(s, passwd), gid: -1 };
    const uid = nameToUid(s.slice(0, colon), passwd);
    return { uid, gid: nameToGid(s.slice(colon + 1), groups) };
  } catch {
    throw new ValueConversionError(`Invalid user:group definition ${s}`);
  }
}
