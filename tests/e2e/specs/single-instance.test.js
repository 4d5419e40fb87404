// One window per user, in the real window: launching Patchdesk again with a patch (as "Open
// with Patchdesk" does) brings the running window forward and puts the patch in its inbox; the
// second process leaves at once. Only plain files named on the command line are taken. The
// first launch's own file goes to the inbox too.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync, symlinkSync, existsSync, readdirSync, readFileSync, readlinkSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launch, find, appBinary } from "../harness.js";

const scratch = mkdtempSync(join(tmpdir(), "patchdesk-e2e-again-"));
const patch = (file) => `diff --git a/docs/${file} b/docs/${file}\nnew file mode 100644\n--- /dev/null\n+++ b/docs/${file}\n@@ -0,0 +1 @@\n+Opened with Patchdesk.\n`;
const first = "patch_20261130_091500_F1.1.diff";
let app;
before(async () => {
  writeFileSync(join(scratch, first), patch("first.md"));
  app = await launch({ args: [join(scratch, first)] });
});
after(async () => {
  await app?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

/** The app processes running on this launch's data folder. */
function appProcesses(dataDir) {
  const bin = appBinary();
  return readdirSync("/proc").filter((pid) => {
    if (!/^\d+$/.test(pid)) return false;
    try {
      return readlinkSync(`/proc/${pid}/exe`) === bin && readFileSync(`/proc/${pid}/environ`, "latin1").split("\0").includes(`PATCHDESK_DATA_DIR=${dataDir}`);
    } catch {
      return false;
    }
  });
}

/** Launches the app again with `args` from the folder `cwd`; resolves with its exit code. */
function launchAgain(args, cwd) {
  const second = spawn(appBinary(), args, { cwd, stdio: "ignore", env: { ...process.env, PATCHDESK_DATA_DIR: app.dataDir } });
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => {
      second.kill("SIGKILL");
      fail(new Error("the second launch did not leave within 20 s"));
    }, 20000);
    second.once("exit", (code) => {
      clearTimeout(timer);
      ok(code);
    });
  });
}

test("the file Patchdesk was started with goes to the inbox", async () => {
  const queue = join(app.dataDir, "demo/project/.patches/queue");
  await app.browser.waitUntil(() => existsSync(join(queue, first)), { timeout: 15000, timeoutMsg: "the first launch's patch reached the inbox" });
  await find(app.browser, `[data-testid="inbox-item"][data-task="F1.1"]`);
});

test("a second launch with a patch hands it to the running window and leaves: one process, the patch in the inbox", async () => {
  await find(app.browser, '[data-testid="project-name"]');
  assert.equal(appProcesses(app.dataDir).length, 1, "the first window runs");
  const name = "patch_20261130_101500_F2.2.diff";
  writeFileSync(join(scratch, name), patch("opened.md"));
  // Not taken: a link (to a file the window must never read), a folder, a file that is not there.
  writeFileSync(join(scratch, "secret.txt"), "not for the inbox");
  symlinkSync(join(scratch, "secret.txt"), join(scratch, "patch_20261130_101600_F2.2.diff"));

  const code = await launchAgain(["--verbose", name, "patch_20261130_101600_F2.2.diff", ".", "missing.diff"], scratch);
  assert.equal(code, 0, "the second launch hands over and leaves");
  assert.equal(appProcesses(app.dataDir).length, 1, "still one app process");

  const queue = join(app.dataDir, "demo/project/.patches/queue");
  await app.browser.waitUntil(() => existsSync(join(queue, name)), { timeout: 15000, timeoutMsg: "the patch reached the inbox" });
  assert.deepEqual(readdirSync(queue).filter((f) => f.startsWith("patch_20261130_10")), [name], "the link was not taken");
  await app.browser.waitUntil(async () => {
    for (const t of await app.browser.$$('[data-testid="toast"]')) if (/Added 1 item to the inbox/.test(await t.getText())) return true;
    return false;
  }, { timeout: 10000, timeoutMsg: "the window says so" });
  assert.equal(await app.browser.getTitle(), "Patchdesk");
});
