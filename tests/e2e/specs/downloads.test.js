// Pod downloads picked up from the Downloads folder in the real window: a patch that lands
// right after the window shows (before the watch's first look) goes to the inbox by itself,
// while a file that was in the folder before the app started stays the person's own.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync, utimesSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launch, find, shown } from "../harness.js";

let app;
let downloads;
before(async () => {
  downloads = mkdtempSync(join(tmpdir(), "patchdesk-e2e-downloads-"));
  writeFileSync(join(downloads, "patch_20261101_080000_OLD1.diff"), "diff --git a/old.txt b/old.txt\nnew file mode 100644\n--- /dev/null\n+++ b/old.txt\n@@ -0,0 +1 @@\n+old\n");
  const hourAgo = new Date(Date.now() - 3600 * 1000);
  utimesSync(join(downloads, "patch_20261101_080000_OLD1.diff"), hourAgo, hourAgo);
  app = await launch({ env: { PATCHDESK_DOWNLOADS: downloads } });
});
after(async () => {
  await app?.stop();
  rmSync(downloads, { recursive: true, force: true });
});

test("a pod's download landing just after the window shows goes to the inbox; an older file does not", async () => {
  const b = app.browser;
  await find(b, '[data-testid="inbox-item"]', 30000);
  const patch = "diff --git a/docs/early.md b/docs/early.md\nnew file mode 100644\n--- /dev/null\n+++ b/docs/early.md\n@@ -0,0 +1 @@\n+early\n";
  writeFileSync(join(downloads, "patch_20261130_080000_E1.diff"), patch);
  await find(b, '[data-testid="inbox-item"][data-task="E1"]', 15000);
  const tasks = await b.execute(() => [...document.querySelectorAll('[data-testid="inbox-item"]')].map((e) => e.getAttribute("data-task")));
  assert.ok(!tasks.includes("OLD1"), `the file from before the start stayed out of the inbox: ${tasks} (${await shown(b)})`);
});
