/**
 * The error raised for a config that cannot be loaded.
 *
 * Its message is the exact text Python supervisord prints after `Error: `
 * (SURFACE §2.4), so callers print `message` unchanged. `file` and `line` are
 * extra context for tools; they are never folded into the message.
 *
 * Python counterpart: the `ValueError`s raised from supervisor/options.py and
 * supervisor/datatypes.py while a config is read.
 * @module
 */

/** A config file that cannot be loaded, with supervisord's message. */
export class ConfigError extends SyntaxError {
  /** The file the error was found in, when known. */
  readonly file: string | undefined;
  /** The 1-based line the error was found on, when known. */
  readonly line: number | undefined;

  /**
   * Creates the error.
   *
   * @param message supervisord's text.
   * @param file The file, when known.
   * @param line The 1-based line, when known.
   */
  constructor(message: string, file?: string, line?: number) {
    super(message);
    this.name = "ConfigError";
    this.file = file;
    this.line = line;
  }
}

/**
 * A value that cannot be converted (Python raises `ValueError` with the same
 * text). The config loader and the CLI wrap it with context.
 */
export class ValueConversionError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = "ValueConversionError";
  }
}
