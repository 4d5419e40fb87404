// The window remembers its size, position and last tab, in the real window: resized, moved and
// switched to the board, then started again on the same data folder, it comes back as it was.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launch, find } from "../harness.js";

const dataDir = mkdtempSync(join(tmpdir(), "patchdesk-e2e-state-"));
let app;
after(async () => {
  await app?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const json = (file) => (existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : {});

test("size, position and the last tab come back at the next start", async () => {
  app = await launch({ dataDir });
  await find(app.browser, '[data-testid="project-name"]');
  const rect = await app.browser.getWindowRect();
  assert.notEqual(rect.width, 900, "the window does not start at the size the test sets");
  await (await find(app.browser, '[data-testid="tab-board"]')).click();
  await app.browser.setWindowRect(70, 60, 900, 640);
  await app.browser.waitUntil(() => json(join(dataDir, "settings.json")).window_tab === "board", { timeout: 10000, timeoutMsg: "the tab was not remembered" });
  const stateFile = join(dataDir, "window-state.json");
  await app.browser.waitUntil(() => json(stateFile).main?.width === 900, { timeout: 10000, timeoutMsg: `the size was not saved: ${existsSync(stateFile) && readFileSync(stateFile, "utf8")}` });
  await app.stop();

  app = await launch({ dataDir });
  await find(app.browser, '[data-testid="project-name"]');
  await app.browser.waitUntil(async () => (await (await find(app.browser, '[data-testid="tab-board"]')).getAttribute("aria-current")) === "true", {
    timeout: 10000,
    timeoutMsg: "the window did not open on the board",
  });
  const again = await app.browser.getWindowRect();
  assert.deepEqual([again.width, again.height], [900, 640], JSON.stringify(again));
  assert.ok(Math.abs(again.x - 70) <= 2 && Math.abs(again.y - 60) <= 40, `put back where it was: ${JSON.stringify(again)}`);
});
