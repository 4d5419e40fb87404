// Help in the real window: the app writes its log file in its log folder, and Help > Open log
// folder hands that folder to the desktop's opener (a stand-in xdg-open that notes what it got).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, writeFileSync, chmodSync, readFileSync, readdirSync, existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launch, find } from "../harness.js";

const scratch = mkdtempSync(join(tmpdir(), "patchdesk-e2e-help-"));
const logDir = join(scratch, "logs");
const opened = join(scratch, "opened.txt");
let app;
before(async () => {
  const bin = join(scratch, "bin");
  const opener = join(bin, "xdg-open");
  mkdirSync(bin);
  writeFileSync(opener, `#!/bin/sh\nprintf '%s' "$1" > '${opened}'\n`);
  chmodSync(opener, 0o755);
  app = await launch({ env: { PATCHDESK_LOG_DIR: logDir, PATH: `${bin}:${process.env.PATH}` } });
});
after(async () => {
  await app?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

test("the app keeps a log file, and Help opens its folder", async () => {
  await find(app.browser, '[data-testid="project-name"]');
  const files = readdirSync(logDir).filter((f) => f.startsWith("patchdesk") && f.endsWith(".log"));
  assert.equal(files.length, 1, `${files}`);
  assert.match(readFileSync(join(logDir, files[0]), "utf8"), /Patchdesk started/);

  await (await find(app.browser, '[data-testid="help"]')).click();
  await (await find(app.browser, '[data-testid="open-log-folder"]')).click();
  const toast = await find(app.browser, '[data-testid="toast"]');
  assert.match(await toast.getText(), /log files are in/);
  await app.browser.waitUntil(() => existsSync(opened), { timeout: 10000, timeoutMsg: "the opener was not started" });
  assert.equal(readFileSync(opened, "utf8"), logDir);
});
