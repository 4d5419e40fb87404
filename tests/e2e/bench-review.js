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

function bigPatch() {
  const parts = [];
  let lines = 0;
  const file = (path, n) => {
    parts.push(`diff --git a/${path} b/${path}\nnew file mode 100644\n--- /dev/null\n+++ b/${path}\n@@ -0,0 +1,${n} @@\n`);
    const body = [`+// ${path}\n`];
    for (let i = 2; i <= n; i++) body.push(`+    let value_${i} = compute(${i}, "row ${i % 97}");\n`);
    parts.push(body.join(""));
    lines += n + 5;
  };
  file("aaa_big/generated_table.rs", 200_000);
  for (let f = 0; f < 1000; f++) file(`src/module_${String(f).padStart(4, "0")}/part.rs`, 495);
  return { text: parts.join(""), lines };
}

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

  const frames = await b.executeAsync((done) => {
    const el = document.querySelector('[data-testid="diff-scroller"]');
    const times = [];
    let last = performance.now();
    let n = 0;
    const step = (now) => {
      times.push(now - last);
      last = now;
      el.scrollTop += 240;
      if (++n < 240) requestAnimationFrame(step);
      else done({ times, height: el.scrollHeight, rows: el.querySelectorAll(".diff-code").length });
    };
    requestAnimationFrame(step);
  });
  const sorted = [...frames.times].slice(1).sort((a, x) => a - x);
  const pct = (p) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))].toFixed(1);
  const slow = sorted.filter((t) => t > 50).length;
  console.log(
    `scroll: 240 frames, median ${pct(0.5)} ms, p95 ${pct(0.95)} ms, worst ${sorted[sorted.length - 1].toFixed(1)} ms, ` +
      `${slow} frames over 50 ms; ${frames.rows} rows in the page for a ${Math.round(frames.height / 1000)}k px tall list`,
  );

  const far = await find(b, '[data-testid="tree-file"][data-path="src/module_0900/part.rs"]');
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
