/**
 * The errors adapters throw for host failures: a few classes by errno, each
 * carrying the symbolic errno name and number so the core can print Python's
 * texts (`socket.error reported errno.EADDRINUSE (98)`, `couldn't chdir to
 * /x: ENOENT`).
 *
 * Python counterpart: the `OSError`/`socket.error` values supervisor catches,
 * with `errno.errorcode` for names; the mapping mirrors denoland/std's
 * fs/_map_error.ts.
 * @module
 */

/** Linux errno numbers by name (the subset a supervisor meets). */
export const ERRNO: Readonly<Record<string, number>> = {
  EPERM: 1,
  ENOENT: 2,
  ESRCH: 3,
  EINTR: 4,
  EIO: 5,
  ENXIO: 6,
  E2BIG: 7,
  ENOEXEC: 8,
  EBADF: 9,
  ECHILD: 10,
  EAGAIN: 11,
  ENOMEM: 12,
  EACCES: 13,
  EFAULT: 14,
  EBUSY: 16,
  EEXIST: 17,
  EXDEV: 18,
  ENODEV: 19,
  ENOTDIR: 20,
  EISDIR: 21,
  EINVAL: 22,
  ENFILE: 23,
  EMFILE: 24,
  ENOTTY: 25,
  ETXTBSY: 26,
  EFBIG: 27,
  ENOSPC: 28,
  ESPIPE: 29,
  EROFS: 30,
  EMLINK: 31,
  EPIPE: 32,
  ERANGE: 34,
  EDEADLK: 35,
  ENAMETOOLONG: 36,
  ENOSYS: 38,
  ENOTEMPTY: 39,
  ELOOP: 40,
  EPROTO: 71,
  ENOTSOCK: 88,
  EOPNOTSUPP: 95,
  EAFNOSUPPORT: 97,
  EADDRINUSE: 98,
  EADDRNOTAVAIL: 99,
  ENETUNREACH: 101,
  ECONNABORTED: 103,
  ECONNRESET: 104,
  ENOBUFS: 105,
  ENOTCONN: 107,
  ETIMEDOUT: 110,
  ECONNREFUSED: 111,
  EHOSTUNREACH: 113,
  EALREADY: 114,
  EINPROGRESS: 115,
  EDQUOT: 122,
};

/** Linux `strerror` texts by errno name (those the core prints the way Python's OSError does). */
const STRERROR: Readonly<Record<string, string>> = {
  EPERM: "Operation not permitted",
  ENOENT: "No such file or directory",
  EIO: "Input/output error",
  ENOMEM: "Cannot allocate memory",
  EACCES: "Permission denied",
  EFAULT: "Bad address",
  ENOTDIR: "Not a directory",
  EINVAL: "Invalid argument",
  EPIPE: "Broken pipe",
  ENAMETOOLONG: "File name too long",
  ELOOP: "Too many levels of symbolic links",
  ENOTSOCK: "Socket operation on non-socket",
  EADDRNOTAVAIL: "Cannot assign requested address",
  ENETUNREACH: "Network is unreachable",
  ECONNRESET: "Connection reset by peer",
  ETIMEDOUT: "Connection timed out",
  ECONNREFUSED: "Connection refused",
  EHOSTUNREACH: "No route to host",
  EADDRINUSE: "Address already in use",
  EAFNOSUPPORT: "Address family not supported by protocol",
  EROFS: "Read-only file system",
  EISDIR: "Is a directory",
  EMFILE: "Too many open files",
  ENFILE: "Too many open files in system",
  ENOBUFS: "No buffer space available",
  ENOSPC: "No space left on device",
  EEXIST: "File exists",
};

/** Linux's `strerror` text for an errno name, if known. */
export function strerror(code: string): string | undefined {
  return STRERROR[code];
}

/** The errno name for a Linux errno number, if known. */
export function errnoName(n: number): string | undefined {
  for (const [name, num] of Object.entries(ERRNO)) {
    if (num === n) return name;
  }
  return undefined;
}

/** A host operation failed; `code` is the errno name, e.g. "ENOENT". */
export class RuntimeError extends Error {
  /** Symbolic errno name ("EIO"), or "UNKNOWN" when the host gave none. */
  readonly code: string;
  /** Linux errno number, or 0 when unknown. */
  readonly errno: number;

  /**
   * Creates the error.
   *
   * @param message What failed.
   * @param code The errno name.
   * @param options The cause.
   */
  constructor(message: string, code: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "RuntimeError";
    this.code = code;
    this.errno = ERRNO[code] ?? 0;
  }
}

/** ENOENT: no such file or directory (also: no socket file to connect to). */
export class NotFoundError extends RuntimeError {
  /**
   * Creates the error.
   *
   * @param message What failed.
   * @param options The cause.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, "ENOENT", options);
    this.name = "NotFoundError";
  }
}

/** EACCES or EPERM. */
export class PermissionDeniedError extends RuntimeError {
  /**
   * Creates the error.
   *
   * @param message What failed.
   * @param code EACCES or EPERM.
   * @param options The cause.
   */
  constructor(message: string, code: "EACCES" | "EPERM" = "EACCES", options?: ErrorOptions) {
    super(message, code, options);
    this.name = "PermissionDeniedError";
  }
}

/** EEXIST. */
export class AlreadyExistsError extends RuntimeError {
  /**
   * Creates the error.
   *
   * @param message What failed.
   * @param options The cause.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, "EEXIST", options);
    this.name = "AlreadyExistsError";
  }
}

/** EISDIR. */
export class IsADirectoryError extends RuntimeError {
  /**
   * Creates the error.
   *
   * @param message What failed.
   * @param options The cause.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, "EISDIR", options);
    this.name = "IsADirectoryError";
  }
}

/** ENOTDIR. */
export class NotADirectoryError extends RuntimeError {
  /**
   * Creates the error.
   *
   * @param message What failed.
   * @param options The cause.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, "ENOTDIR", options);
    this.name = "NotADirectoryError";
  }
}

/** ESRCH: the process (group) to signal does not exist. */
export class NoSuchProcessError extends RuntimeError {
  /**
   * Creates the error.
   *
   * @param message What failed.
   * @param options The cause.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, "ESRCH", options);
    this.name = "NoSuchProcessError";
  }
}

/** ECONNREFUSED: nothing listens at the endpoint (e.g. a stale unix socket). */
export class ConnectionRefusedError extends RuntimeError {
  /**
   * Creates the error.
   *
   * @param message What failed.
   * @param options The cause.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, "ECONNREFUSED", options);
    this.name = "ConnectionRefusedError";
  }
}

/** EADDRINUSE: the address (or unix socket path) is taken. */
export class AddressInUseError extends RuntimeError {
  /**
   * Creates the error.
   *
   * @param message What failed.
   * @param options The cause.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, "EADDRINUSE", options);
    this.name = "AddressInUseError";
  }
}

/** EPIPE: the reading end of a pipe or socket is gone. */
export class BrokenPipeError extends RuntimeError {
  /**
   * Creates the error.
   *
   * @param message What failed.
   * @param options The cause.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, "EPIPE", options);
    this.name = "BrokenPipeError";
  }
}

/**
 * getaddrinfo(3) could not resolve a host name. `gaiCode` is its EAI_*
 * value (negative on Linux, e.g. -2 for EAI_NONAME) and `gaiText` what
 * gai_strerror(3) says for it, the two parts of Python's
 * `socket.gaierror` text (`[Errno -2] Name or service not known`).
 */
export class AddressLookupError extends RuntimeError {
  /**
   * Creates the error.
   *
   * @param gaiCode getaddrinfo's error code.
   * @param gaiText Its text.
   * @param host The name looked up.
   * @param options The cause.
   */
  constructor(readonly gaiCode: number, readonly gaiText: string, host: string, options?: ErrorOptions) {
    super(`getaddrinfo ${host}: ${gaiText}`, "EAI", options);
    this.name = "AddressLookupError";
  }
}

/**
 * Builds the error class that matches `code`.
 *
 * @param code Errno name, e.g. "ENOENT".
 * @param message The error message.
 * @param cause The host's original error.
 */
export function errorForCode(code: string, message: string, cause?: unknown): RuntimeError {
  const options = cause === undefined ? undefined : { cause };
  switch (code) {
    case "ENOENT":
      return new NotFoundError(message, options);
    case "EACCES":
    case "EPERM":
      return new PermissionDeniedError(message, code, options);
    case "EEXIST":
      return new AlreadyExistsError(message, options);
    case "EISDIR":
      return new IsADirectoryError(message, options);
    case "ENOTDIR":
      return new NotADirectoryError(message, options);
    case "ESRCH":
      return new NoSuchProcessError(message, options);
    case "ECONNREFUSED":
      return new ConnectionRefusedError(message, options);
    case "EADDRINUSE":
      return new AddressInUseError(message, options);
    case "EPIPE":
      return new BrokenPipeError(message, options);
    default:
      return new RuntimeError(message, code, options);
  }
}
