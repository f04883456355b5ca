/**
 * Contract suite, file watch: kernel events for a file written in a watched
 * tree (also in a directory made after the watch started), a file saved by
 * rename-into-place, a watched file itself, and a missing path.
 *
 * Python counterpart: none (supervisord has no file watch).
 * @module
 */

import * as assert from "./_contract_assert.ts";
import { NotFoundError } from "./errors.ts";
import type { Runtime } from "./types.ts";
import { type ContractCase, within, withTempDir } from "./_contract_util.ts";

/**
 * Watches `path` until `want` is named by an event, doing `act` again every
 * 50 ms meanwhile (a watch may miss what happens while it is being set up).
 */
async function seen(rt: Runtime, path: string, recursive: boolean, want: string, act: () => Promise<void>) {
  let found = false;
  const w = rt.watch(path, recursive, (paths) => {
    if (paths.includes(want)) found = true;
  }, () => {});
  try {
    await within(
      rt,
      (async () => {
        while (!found) {
          await act();
          await new Promise((r) => rt.clock.setTimeout(() => r(null), 50));
        }
      })(),
      10_000,
      `an event naming ${want}`,
    );
  } finally {
    found = true;
    w.close();
    w.close();
  }
}

/** The file watch cases. */
export const watchCases: ContractCase[] = [
  ["watch reports files written in a watched tree, in directories made later too", async (rt) => {
    await withTempDir(rt, async (dir) => {
      await rt.fs.mkdir(`${dir}/src`, { mode: 0o755 });
      await seen(rt, dir, true, `${dir}/src/a.js`, () => rt.fs.writeTextFile(`${dir}/src/a.js`, "1"));
      await seen(rt, dir, true, `${dir}/late/b.js`, async () => {
        if ((await rt.fs.stat(`${dir}/late`)) === null) await rt.fs.mkdir(`${dir}/late`, { mode: 0o755 });
        await rt.fs.writeTextFile(`${dir}/late/b.js`, "1");
      });
    });
  }],
  ["watch reports a file saved by rename-into-place, and a watched file itself", async (rt) => {
    await withTempDir(rt, async (dir) => {
      await rt.fs.writeTextFile(`${dir}/app.js`, "old");
      await seen(rt, dir, false, `${dir}/app.js`, async () => {
        await rt.fs.writeTextFile(`${dir}/.app.js.swp`, "new");
        await rt.fs.rename(`${dir}/.app.js.swp`, `${dir}/app.js`);
      });
      await seen(rt, `${dir}/app.js`, false, `${dir}/app.js`, () => rt.fs.writeTextFile(`${dir}/app.js`, "again"));
    });
  }],
  ["watch on a missing path throws NotFoundError", async (rt) => {
    await withTempDir(rt, (dir) => {
      assert.throws(() => rt.watch(`${dir}/missing`, true, () => {}, () => {}), (e) => e instanceof NotFoundError);
      return Promise.resolve();
    });
  }],
];
