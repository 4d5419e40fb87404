// Help in the real window: the app writes its log file in its log folder, and Help > Open log
// folder hands that folder to the desktop's opener (a stand-in xdg-open that notes what it got);
// About shows the version; Report a problem puts the version, the system and the log's last
// lines on the clipboard, leaving out a token that reached the log.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, writeFileSync, appendFileSync, chmodSync, readFileSync, readdirSync, existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launch, find, repoRoot } from "../harness.js";

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

async function shot(name) {
  if (process.env.PATCHDESK_E2E_SHOTS) await app.browser.saveScreenshot(join(process.env.PATCHDESK_E2E_SHOTS, name));
}

test("About shows the version; Report a problem copies the version, the system and the log's last lines, never a token", async () => {
  const b = app.browser;
  const version = readFileSync(join(repoRoot, "Cargo.toml"), "utf8").match(/^version = "(.+)"/m)[1];
  await (await find(b, '[data-testid="help"]')).click();
  await find(b, '[data-testid="about"]');
  await shot("help-menu.png");
  await (await find(b, '[data-testid="about"]')).click();
  assert.equal(await (await find(b, '[data-testid="about-version"]')).getText(), `Version ${version}`);
  assert.match(await (await find(b, '[data-testid="about-dialog"]')).getText(), /Running on .*linux/);
  await shot("help-about.png");
  await (await find(b, "button=Close")).click();

  // A token that reached the log (it must not, but a report must never carry one anyway).
  const [file] = readdirSync(logDir).filter((f) => f.startsWith("patchdesk") && f.endsWith(".log"));
  const fakeToken = ["ghp", "_", "fAkE16C7".repeat(5)].join(""); // made at run time, obviously fake
  appendFileSync(join(logDir, file), `2026-11-30T10:00:00Z  WARN test: refused ${fakeToken}\n2026-11-30T10:00:01Z  INFO test: the line after\n`);
  await (await find(b, '[data-testid="help"]')).click();
  await (await find(b, '[data-testid="report-problem"]')).click();
  await b.waitUntil(async () => {
    for (const t of await b.$$('[data-testid="toast"]')) if (/problem report is on your clipboard/.test(await t.getText())) return true;
    return false;
  }, { timeout: 10000, timeoutMsg: "the window says the report was copied" });

  // Read the clipboard back the way a lead would: paste it into a text field.
  await (await find(b, '[data-testid="paste-open"]')).click();
  const field = await find(b, '[data-testid="paste-text"]');
  await field.click();
  await b.keys(["Control", "v"]);
  await b.waitUntil(async () => (await field.getValue()).length > 0, { timeout: 5000, timeoutMsg: "nothing was on the clipboard" });
  const pasted = await field.getValue();
  assert.match(pasted, new RegExp(`^Patchdesk ${version.replace(/\./g, "\\.")}\nPlatform: .*linux`));
  assert.match(pasted, /Patchdesk started/);
  assert.match(pasted, /the line after/);
  assert.doesNotMatch(pasted, /ghp_|fAkE16C7/);
});
