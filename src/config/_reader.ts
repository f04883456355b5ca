/**
 * Option lookup with supervisord's expansion rules: `[DEFAULT]` fallback,
 * then `%(name)s` expansion against `ENV_*` plus the names the caller adds.
 *
 * Python counterpart: supervisor/options.py (`UnhosedConfigParser.saneget`).
 * @module
 */

import type { IniParser } from "./ini.ts";
import { expandValue } from "./pyformat.ts";

/** Values a format string may name: strings, and ints such as `process_num`. */
export type Expansions = Record<string, string | number>;

/** Reads options from a parsed config the way supervisord's `saneget` does. */
export class OptionReader {
  /**
   * @param parser the parsed INI files
   * @param envExpansions `ENV_*` names; the caller keeps adding to this object
   *   (as supervisord does after reading `[supervisord] environment`)
   */
  constructor(readonly parser: IniParser, readonly envExpansions: Expansions) {}

  /**
   * The option's value, or `fallback` when absent; string values (including
   * the fallback) are expanded unless `expand` is false.
   */
  get(
    section: string,
    option: string,
    fallback: string | null,
    expansions: Expansions = {},
    expand = true,
  ): string | null {
    const raw = this.parser.get(section, option) ?? fallback;
    if (raw === null || !expand) return raw;
    return expandValue(
      raw,
      { ...this.envExpansions, ...expansions },
      `${section}.${option}`,
    );
  }

  /** Like {@link get} for an option whose fallback is a string, so never null. */
  need(
    section: string,
    option: string,
    fallback: string,
    expansions: Expansions = {},
  ): string {
    return this.get(section, option, fallback, expansions) ?? fallback;
  }
}
