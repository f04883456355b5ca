/**
 * The resource limits of a `FakeRuntime`: a table the test sets, and a
 * setrlimit(2) that applies the kernel's rules: EINVAL when soft is above
 * hard, EPERM when the hard limit would rise without privilege (or open
 * files above `nrOpen`). Every successful call is recorded.
 *
 * Python counterpart: supervisor/tests/base.py (`DummyOptions` patches
 * `resource.getrlimit`/`setrlimit` per test).
 * @module
 */

import type { Rlimit, RlimitResource } from "./types.ts";
import { checkRlimitArgs, setRlimitError } from "./_rlimit.ts";

/** In-memory resource limits; -1 stands for unlimited. */
export class FakeRlimits {
  /** Current limits; a missing entry makes `get` return null (the host cannot tell). */
  readonly limits = new Map<RlimitResource, Rlimit>([
    ["nofile", { soft: 1024, hard: 4096 }],
    ["nproc", { soft: 4096, hard: 4096 }],
  ]);
  /** Whether the hard limit may rise (CAP_SYS_RESOURCE); by default, when the effective uid is 0. */
  canRaiseHard: boolean | null = null;
  /** fs.nr_open: the highest hard limit open files may have, even with privilege. */
  nrOpen = 1048576;
  /** When set, the next `set` throws it (then it is cleared). */
  setError: Error | null = null;
  /** Successful `set` calls, in order. */
  readonly calls: Array<{ resource: RlimitResource; soft: number; hard: number }> = [];

  /**
   * Creates the limits.
   *
   * @param euid The effective uid (only root may raise a hard limit).
   */
  constructor(private readonly euid: () => number) {}

  /** A copy of the limit, or null when none is set. */
  get(resource: RlimitResource): Rlimit | null {
    const limit = this.limits.get(resource);
    return limit === undefined ? null : { ...limit };
  }

  /** setrlimit(2) with the kernel's checks. */
  set(resource: RlimitResource, soft: number, hard: number): void {
    if (this.setError !== null) {
      const e = this.setError;
      this.setError = null;
      throw e;
    }
    checkRlimitArgs(resource, soft, hard);
    const current = this.limits.get(resource) ?? { soft: -1, hard: -1 };
    const raises = current.hard !== -1 && (hard === -1 || hard > current.hard);
    const privileged = this.canRaiseHard ?? this.euid() === 0;
    const overNrOpen = resource === "nofile" && (hard === -1 || hard > this.nrOpen);
    if ((raises && !privileged) || overNrOpen) throw setRlimitError(resource, soft, hard, "EPERM");
    this.limits.set(resource, { soft, hard });
    this.calls.push({ resource, soft, hard });
  }
}
