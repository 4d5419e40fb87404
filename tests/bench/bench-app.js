// Benchmark (not a test) of the app people install, in the real window (Xvfb): run by
// scripts/bench-app.sh. For Patchdesk and, as the baseline, an empty Tauri 2 app built the
// same way (tests/bench/empty-app), RUNS times each (default 5), alternating, and the median:
//   - start: from the process starting to the first frame with the demo project's inbox, as
//     the app itself reports it (PATCHDESK_BENCH, see src-tauri/src/startup.rs);
//   - PSS of every process of the app (the app, WebKit's web and network processes, from
//     /proc/PID/smaps_rollup) 20 s after that frame;
//   - Patchdesk only: PSS with a 700,000-line review open (drawn, then 5 s later), and 15 s
//     after the review was closed (its Close button: the inbox shown as when idle).
// Targets: start < 800 ms, idle ≤ 300 MB, after the review back within 10 % of idle.
import { mkdtempSync, writeFileSync, rmSync, readFileSync, readdirSync, readlinkSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launch, find, appBinary } from "../e2e/harness.js";
import { bigPatch } from "../e2e/big-patch.js";

const RUNS = Number(process.env.RUNS ?? 5);
const IDLE_MS = Number(process.env.IDLE_MS ?? 20000);
const REVIEW = process.env.REVIEW !== "0";
const empty = process.env.EMPTY_APP_BIN && existsSync(process.env.EMPTY_APP_BIN) ? process.env.EMPTY_APP_BIN : null;
if (!empty) console.error("no empty app built (tests/bench/empty-app): no baseline this time");
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** PSS in MB of `pid` and every process under it, by process name (`WebKitWebProcess`…). */
function pss(root) {
  const parent = new Map();
  for (const p of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, "latin1");
      parent.set(Number(p), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // gone
    }
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) for (const [p, pp] of parent) if (pp === tree[i]) tree.push(p);
  const byName = {};
  for (const p of tree) {
    try {
      const kb = Number(/^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${p}/smaps_rollup`, "latin1"))[1]);
      const name = p === root ? "app" : readFileSync(`/proc/${p}/comm`, "latin1").trim();
      byName[name] = (byName[name] ?? 0) + kb / 1024;
    } catch {
      // a process without memory of its own, or gone
    }
  }
  byName.total = Object.values(byName).reduce((a, b) => a + b, 0);
  return byName;
}

/** Each process's mappings by PSS when first detailed (idle), to show what grew since. */
const firstSeen = new Map();

/**
 * MEMORY_DETAIL=1: the largest mappings by PSS (heap, anonymous, files) of `root` and its
 * children, and those grown most since the first time (idle).
 */
function detail(root, label) {
  if (process.env.MEMORY_DETAIL !== "1") return;
  const kids = readdirSync("/proc").filter((p) => /^\d+$/.test(p)).map(Number).filter((p) => {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, "latin1");
      return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === root;
    } catch {
      return false;
    }
  });
  for (const p of [root, ...kids]) {
    const groups = {};
    let name = "";
    try {
      for (const line of readFileSync(`/proc/${p}/smaps`, "latin1").split("\n")) {
        const head = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
        if (head) name = head[1] || "[anon]";
        const m = /^Pss:\s+(\d+)/.exec(line);
        if (m) groups[name] = (groups[name] ?? 0) + Number(m[1]) / 1024;
      }
    } catch {
      continue;
    }
    const top = Object.entries(groups).sort((a, b) => b[1] - a[1]).slice(0, 6);
    const short = (n) => n.split("/").pop();
    console.error(`  ${label} pid ${p}: ` + top.map(([n, v]) => `${short(n)} ${v.toFixed(1)}`).join(", "));
    const before = firstSeen.get(p);
    if (!before) {
      firstSeen.set(p, groups);
      continue;
    }
    const grew = Object.entries(groups)
      .map(([n, v]) => [n, v - (before[n] ?? 0)])
      .filter(([, d]) => Math.abs(d) >= 0.2)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 8);
    if (grew.length) console.error(`    since idle: ` + grew.map(([n, d]) => `${short(n)} ${d > 0 ? "+" : ""}${d.toFixed(1)}`).join(", "));
  }
}

/** The app process started with `mark` in its environment (not the driver, which has it too). */
function appPid(binary, mark) {
  for (const p of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      if (readlinkSync(`/proc/${p}/exe`) !== binary) continue;
      if (readFileSync(`/proc/${p}/environ`, "latin1").split("\0").includes(mark)) return Number(p);
    } catch {
      // not ours, or gone
    }
  }
  throw new Error(`no process of ${binary} found`);
}

/** The app's start-up line: `shown_ms` and the steps on the way (`setup_ms`…), as numbers. */
async function shownMs(file, silent) {
  if (silent) return null;
  const until = Date.now() + 60000;
  while (Date.now() < until) {
    const line = existsSync(file) && readFileSync(file, "utf8");
    if (line && /shown_ms=\d+/.test(line)) return Object.fromEntries([...line.matchAll(/(\w+)_ms=(\d+)/g)].map((m) => [m[1], Number(m[2])]));
    await sleep(20);
  }
  throw new Error("the app never reported its first frame");
}

async function once(binary, withReview, silent = false) {
  const dir = mkdtempSync(join(tmpdir(), "patchdesk-bench-app-"));
  const benchFile = join(dir, "shown.txt");
  const downloads = join(dir, "downloads");
  const mark = `PATCHDESK_BENCH=${benchFile}`;
  const app = await launch({ binary, env: { PATCHDESK_BENCH: benchFile, PATCHDESK_DOWNLOADS: withReview ? downloads : "" } });
  const r = {};
  try {
    r.steps = await shownMs(benchFile, silent);
    r.start = r.steps?.shown ?? null;
    const pid = appPid(binary, mark);
    await sleep(IDLE_MS);
    r.idle = pss(pid);
    detail(pid, "idle");
    if (withReview) {
      const b = app.browser;
      const { mkdirSync } = await import("node:fs");
      mkdirSync(downloads, { recursive: true });
      writeFileSync(join(downloads, "patch_20261121_120000_BIG1.diff"), bigPatch().text);
      const item = await find(b, '[data-testid="inbox-item"][data-task="BIG1"]', 60000);
      await item.click();
      await b.waitUntil(async () => (await b.$$('[data-testid="diff-scroller"] .diff-code')).length > 0, { timeout: 60000, interval: 50 });
      await sleep(5000);
      r.review = pss(pid);
      detail(pid, "review");
      // Builds from before the review had a Close button (BEFORE_APP_BIN) show the Board instead.
      const close = await b.$('[data-testid="close-review"]');
      await (await close.isExisting() ? close : await find(b, '[data-testid="tab-board"]')).click();
      await sleep(15000);
      r.closed = pss(pid);
      detail(pid, "closed");
      // MEMORY_TRACE=S: how the memory goes on after that, every 3 s for S more seconds.
      for (let t = 3; t <= Number(process.env.MEMORY_TRACE ?? 0); t += 3) {
        await sleep(3000);
        const m = pss(pid);
        console.error(`  closed +${15 + t} s: ` + Object.entries(m).map(([n, v]) => `${n} ${v.toFixed(1)}`).join(", "));
      }
    }
  } finally {
    await app.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return r;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

// BEFORE_APP_BIN: an earlier build to compare, run in turn with the others (it may not report
// its first frame: set NO_REPORT=1 for a build from before the report existed).
const before = process.env.BEFORE_APP_BIN;
const results = { patchdesk: [], empty: [], before: [] };
for (let i = 0; i < RUNS; i++) {
  if (empty) results.empty.push(await once(empty, false));
  if (before) {
    results.before.push(await once(before, REVIEW, process.env.NO_REPORT === "1"));
    const p = results.before.at(-1);
    console.error(`run ${i + 1}/${RUNS}: before ${p.start ?? "-"} ms, ${p.idle.total.toFixed(0)} MB idle` + (p.review ? `, ${p.review.total.toFixed(0)} MB with the review, ${p.closed.total.toFixed(0)} MB closed` : ""));
  }
  results.patchdesk.push(await once(appBinary(), REVIEW));
  const p = results.patchdesk.at(-1);
  const e = results.empty.at(-1);
  console.error(
    `run ${i + 1}/${RUNS}: Patchdesk ${p.start} ms, ${p.idle.total.toFixed(0)} MB idle` +
      (p.review ? `, ${p.review.total.toFixed(0)} MB with the review, ${p.closed.total.toFixed(0)} MB closed` : "") +
      (e ? `; empty app ${e.start} ms, ${e.idle.total.toFixed(0)} MB` : ""),
  );
}

const row = (label, runs, key) => {
  if (!runs.length || !runs[0][key]) return [];
  const names = ["app", "WebKitWebProces", "WebKitNetworkPr"];
  const others = (r) => r[key].total - names.reduce((a, n) => a + (r[key][n] ?? 0), 0);
  const cells = names.map((n) => median(runs.map((r) => r[key][n] ?? 0)).toFixed(0));
  return [[label, ...cells, median(runs.map(others)).toFixed(0), median(runs.map((r) => r[key].total)).toFixed(0)]];
};
const table = [
  ["PSS, MB (median)", "app", "web process", "network process", "other", "total"],
  ...row("empty Tauri app, idle", results.empty, "idle"),
  ...row("Patchdesk, idle (demo project)", results.patchdesk, "idle"),
  ...row("Patchdesk, 700,000-line review open", results.patchdesk, "review"),
  ...row("Patchdesk, review closed", results.patchdesk, "closed"),
  ...row("before: idle", results.before, "idle"),
  ...row("before: review open", results.before, "review"),
  ...row("before: review closed", results.before, "closed"),
];
const widths = table[0].map((_, c) => Math.max(...table.map((r) => r[c].length)));
console.log(`\nStart to the first frame with the project (ms, median of ${RUNS}; target < 800):`);
console.log(`  Patchdesk ${median(results.patchdesk.map((r) => r.start))} (runs: ${results.patchdesk.map((r) => r.start).join(", ")})`);
// Patchdesk's own steps, in ms since its main() began (startup.rs: `mark`).
const steps = Object.keys(results.patchdesk[0]?.steps ?? {}).filter((k) => !["shown", "main"].includes(k));
if (steps.length) {
  const at = (k) => median(results.patchdesk.map((r) => r.steps[k]));
  console.log(`  Patchdesk's steps after main() began: ` + [...steps.map((k) => `${k} ${at(k)}`), `shown ${at("main")}`].join(", ") + ` (before main(): ${median(results.patchdesk.map((r) => r.steps.shown - r.steps.main))})`);
}
if (results.empty.length) console.log(`  empty Tauri app ${median(results.empty.map((r) => r.start))} (runs: ${results.empty.map((r) => r.start).join(", ")})`);
console.log("");
for (const r of table) console.log("  " + r.map((c, i) => (i ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join("  "));
const idle = median(results.patchdesk.map((r) => r.idle.total));
console.log(`\nTargets: idle ≤ 300 MB (${idle.toFixed(0)})` + (REVIEW ? `, after the review within 10 % of idle (${((median(results.patchdesk.map((r) => r.closed.total)) / idle - 1) * 100).toFixed(1)} %)` : ""));
