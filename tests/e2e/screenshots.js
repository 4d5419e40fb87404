// Drives the real window through the lead's main screens and captures each one with
// ImageMagick's `import` (the real X window, not a WebDriver render). Run by scripts/screenshots.sh.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { launch, find, repoRoot } from "./harness.js";

const out = join(repoRoot, "docs/screenshots");
const app = await launch();
const shoot = async (name) => {
  await new Promise((r) => setTimeout(r, 1200)); // let the screen settle
  execFileSync("import", ["-window", "root", "-crop", "1200x780+0+0", join(out, `${name}.png`)]);
  console.log(`wrote docs/screenshots/${name}.png`);
};
try {
  await find(app.browser, '[data-testid="inbox-item"]');
  await shoot("inbox");
  await (await find(app.browser, '[data-testid="inbox-item"][data-task="F2.1"]')).click();
  await find(app.browser, '[data-testid="repairs"]');
  await find(app.browser, '[data-testid="diff-scroller"] .diff');
  await shoot("review-repaired");
  await (await find(app.browser, '[data-testid="inbox-item"][data-task="F3.1"]')).click();
  await find(app.browser, '[data-testid="pod-log"]');
  await find(app.browser, '[data-testid="diff-scroller"] .diff');
  await shoot("review-bundle");
  await (await find(app.browser, '[data-testid="inbox-item"][data-task="F2.2"]')).click();
  await (await find(app.browser, '[data-testid="send-for-review"]')).click();
  await find(app.browser, '[data-testid="promote-dialog"]');
  await shoot("promote");
  await (await find(app.browser, '[data-testid="promote-send"]')).click();
  await find(app.browser, '[data-testid="promote-result"]', 60000);
  await shoot("promote-result");
  await (await find(app.browser, "button=Done")).click();
  await (await find(app.browser, '[data-testid="tab-board"]')).click();
  await find(app.browser, '[data-testid="board-column"]');
  await shoot("board");
  await (await find(app.browser, '[data-testid="task-card"][data-task="F2.1"] [data-testid="hand-off"]')).click();
  await (await find(app.browser, '[data-testid="handoff-reason"]')).setValue("Tests are written; package them for release");
  await shoot("handoff");
  await (await (await find(app.browser, '[data-testid="handoff-dialog"]')).$("button=Cancel")).click();
  await (await find(app.browser, '[data-testid="tab-numbers"]')).click();
  const weekly = await find(app.browser, '[data-testid="metric-weekly"]', 20000);
  await app.browser.waitUntil(async () => (await weekly.$$("svg .recharts-bar-rectangle")).length > 0, { timeout: 15000 });
  await shoot("numbers");
  await (await find(app.browser, '[data-testid="github-button"]')).click();
  await find(app.browser, '[data-testid="github-use-token"]');
  await (await find(app.browser, ".github-settings summary")).click();
  await shoot("github-connect");
  await (await find(app.browser, '[data-testid="github-close"]')).click();
  // Readable at 200% zoom: the inbox with a review open, zoomed like a browser would.
  await (await find(app.browser, '[data-testid="tab-inbox"]')).click();
  await (await find(app.browser, '[data-testid="inbox-item"][data-task="F2.1"]')).click();
  await find(app.browser, '[data-testid="diff-scroller"] .diff');
  await app.browser.execute(() => {
    document.documentElement.style.zoom = "2";
  });
  await shoot("review-zoom200");
  await app.browser.execute(() => {
    document.documentElement.style.zoom = "";
  });
} finally {
  await app.stop();
}

// The same screens follow the desktop's dark theme.
const dark = await launch({ env: { GTK_THEME: "Adwaita:dark" } });
try {
  await (await find(dark.browser, '[data-testid="inbox-item"][data-task="F2.1"]')).click();
  await find(dark.browser, '[data-testid="diff-scroller"] .diff');
  await shoot("review-dark");
  await (await find(dark.browser, '[data-testid="tab-board"]')).click();
  await find(dark.browser, '[data-testid="board-column"]');
  await shoot("board-dark");
} finally {
  await dark.stop();
}
