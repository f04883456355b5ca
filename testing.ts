/**
 * Test doubles for embedders and plugin authors: {@linkcode FakeRuntime}, a
 * {@linkcode Runtime} that touches nothing on the host (in-memory files,
 * scripted children, recorded kills and signals, modules served from
 * memory) with a {@linkcode ManualClock} that moves only when told to.
 *
 * @example Drive time by hand
 * ```ts
 * import { ManualClock } from "./testing.ts";
 *
 * const clock = new ManualClock();
 * const fired: number[] = [];
 * clock.setTimeout(() => fired.push(clock.monotonic()), 1500);
 * clock.advance(1000);
 * clock.advance(1000);
 * console.log(fired); // [ 1500 ]
 * ```
 * @module
 */

export {
  FakeBoundSocket,
  FakeChild,
  FakeExit,
  FakeFileSystem,
  FakeRlimits,
  FakeRuntime,
  type FakeRuntimeOptions,
  FakeSockets,
  FakeStdin,
  FakeStdinStream,
  ManualClock,
} from "./src/runtime/fake.ts";
export type * from "./src/runtime/types.ts";
