import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launch, find } from "./harness.js";
import { bigPatch } from "./big-patch.js";
const downloads = mkdtempSync(join(tmpdir(), "patchdesk-pick-"));
const app = await launch({ env: { PATCHDESK_DOWNLOADS: downloads } });
const b = app.browser;
const timed = (cmd, args) => b.executeAsync((cmd, args, done) => { const t = performance.now(); window.__TAURI_INTERNALS__.invoke(cmd, args).then((ok) => done({ ms: performance.now() - t, n: JSON.stringify(ok).length }), (err) => done({ err })); }, cmd, args);
try {
  await find(b, '[data-testid="inbox-item"]', 30000);
  writeFileSync(join(downloads, "patch_20261121_120000_BIG1.diff"), bigPatch().text);
  const item = await find(b, '[data-testid="inbox-item"][data-task="BIG1"]', 30000);
  const name = await item.getAttribute("data-name");
  const names = await b.execute(() => [...document.querySelectorAll('[data-testid="inbox-item"]')].map((e) => [...e.attributes].map(a => a.name + "=" + a.value).join(" ")));
  console.log(names);
  const nm = "patch_20261121_120000_BIG1.diff";
  for (const k of [1, 2]) console.log("review_item", JSON.stringify(await timed("review_item", { name: nm })));
  const ask = (from) => ({ name: nm, path: "aaa_big/generated_table.rs", ask: { context: 3, whole: false, ignore_space: false, from, count: 2000 } });
  for (const f of [0, 2000, 100000, 0]) console.log("review_file", f, JSON.stringify(await timed("review_file", ask(f))));
  console.log("small", JSON.stringify(await timed("review_file", { name: nm, path: "src/module_0900/part.rs", ask: { context: 3, whole: false, ignore_space: false, from: 0, count: 2000 } })));
} catch (e) { console.log("FAIL", e.message.slice(0, 300)); }
finally { await app.stop(); }
