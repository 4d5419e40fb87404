// Benchmark (not a test): how the review screen copes with a huge change, in the real window.
// Builds a 700,000-line, ~20 MB patch (one 200,000-line file first, then 1,000 files of 500
// lines), drops it into the watched Downloads folder, and measures:
//   - open: from clicking the inbox item to the first diff lines drawn (target: under 2 s);
//   - scroll: frame times while the big file is scrolled by 240 px per frame for 240 frames;
//   - switch: from clicking a file far down the tree to its lines drawn.
// Run by scripts/bench-review.sh (Xvfb, software rendering: a desktop with a GPU does better).
import { mkdtempSync, writeFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launch, find } from "./harness.js";
import { bigPatch } from "./big-patch.js";

const downloads = mkdtempSync(join(tmpdir(), "patchdesk-bench-"));
const app = await launch({ env: { PATCHDESK_DOWNLOADS: downloads } });
const b = app.browser;
try {
  await find(b, '[data-testid="inbox-item"]', 30000);
  const { text, lines } = bigPatch();
  const file = join(downloads, "patch_20261121_120000_BIG1.diff");
  writeFileSync(file, text);
  const mb = (statSync(file).size / 1e6).toFixed(1);
  console.log(`patch: ${lines.toLocaleString("en")} lines, ${mb} MB, 1,001 files`);
  const item = await find(b, '[data-testid="inbox-item"][data-task="BIG1"]', 60000);

  const t0 = performance.now();
  await item.click();
  await b.waitUntil(async () => (await b.$$('[data-testid="diff-scroller"] .diff-code')).length > 0, { timeout: 60000, interval: 20 });
  const open = performance.now() - t0;
  console.log(`open: first diff lines drawn ${Math.round(open)} ms after the click (target < 2000 ms)`);

  // Scrolling: 60 jumps of 1,200 px through the 200,000-line file. Each is timed from the jump
  // to the first line number on screen being the new one (so it includes one WebDriver round
  // trip, a few milliseconds; frame timers are throttled under Xvfb, so they are not used).
  const firstVisible = () =>
    b.execute(() => {
      const el = document.querySelector('[data-testid="diff-scroller"]');
      const top = el.getBoundingClientRect().top;
      for (const g of el.querySelectorAll(".diff-gutter")) {
        const r = g.getBoundingClientRect();
        const n = parseInt(g.textContent || "", 10);
        if (r.bottom > top && Number.isFinite(n)) return n;
      }
      return -1;
    });
  const steps = [];
  let before = await firstVisible();
  for (let i = 0; i < 60; i++) {
    const t = performance.now();
    await b.execute(() => {
      document.querySelector('[data-testid="diff-scroller"]').scrollTop += 1200;
    });
    let now = before;
    while (now === before && performance.now() - t < 5000) now = await firstVisible();
    steps.push(performance.now() - t);
    before = now;
  }
  const rows = await b.execute(() => document.querySelectorAll('[data-testid="diff-scroller"] .diff-code').length);
  const sorted = [...steps].sort((a, x) => a - x);
  const pct = (p) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))].toFixed(0);
  console.log(
    `scroll: 60 jumps of 1,200 px, new lines on screen after median ${pct(0.5)} ms, p95 ${pct(0.95)} ms, worst ${sorted[sorted.length - 1].toFixed(0)} ms; ` +
      `line ${before.toLocaleString("en")} reached; ${rows} rows in the page at a time`,
  );

  // The tree draws only the rows in view: scroll it to file 901 (row 1,804 of 2,003: each
  // module's folder name, then its file), as the lead would drag its scroll bar.
  const farPath = '[data-testid="tree-file"][data-path="src/module_0900/part.rs"]';
  await b.execute(() => {
    const tree = document.querySelector('[data-testid="file-tree"]');
    tree.scrollTop = (tree.scrollHeight * 1803) / 2003 - tree.clientHeight / 2;
  });
  await b.waitUntil(
    async () => {
      if (await (await b.$(farPath)).isExisting()) return true;
      await b.execute(() => void (document.querySelector('[data-testid="file-tree"]').scrollTop += 300));
      return false;
    },
    { timeout: 30000, interval: 50, timeoutMsg: "file 901 never showed in the tree" },
  );
  const far = await find(b, farPath);
  const t1 = performance.now();
  await far.click();
  await b.waitUntil(async () => /\/\/ src\/module_0900\/part\.rs/.test(await (await find(b, '[data-testid="diff-scroller"]')).getText()), {
    timeout: 30000,
    interval: 20,
  });
  console.log(`switch: file 901 of 1,001 drawn ${Math.round(performance.now() - t1)} ms after the click`);
} finally {
  await app.stop();
  rmSync(downloads, { recursive: true, force: true });
}
