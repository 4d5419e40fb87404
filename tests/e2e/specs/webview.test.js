// The webview boundary, in the real window: what a confused or compromised page could ask the
// backend for. Paths nobody chose are refused; a link in a pod's reasoning opens in the
// system browser (here a stand-in named by $BROWSER that writes down the address), never in
// the window; the window cannot be navigated away from Patchdesk.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launch, find, browserStandin, openedUrls } from "../harness.js";

let app;
let work;
let downloads;
let opened;

/** Calls a backend command the way a page script could, bypassing the UI. */
async function invoke(b, cmd, args) {
  return b.executeAsync(
    (cmd, args, done) => {
      window.__TAURI_INTERNALS__.invoke(cmd, args).then(
        (ok) => done({ ok: ok ?? null }),
        (err) => done({ err }),
      );
    },
    cmd,
    args,
  );
}

const PATCH = [
  "diff --git a/docs/outside.md b/docs/outside.md",
  "new file mode 100644",
  "--- /dev/null",
  "+++ b/docs/outside.md",
  "@@ -0,0 +1 @@",
  "+Taken from a folder nobody chose.",
  "",
].join("\n");

before(async () => {
  work = mkdtempSync(join(tmpdir(), "patchdesk-webview-"));
  downloads = join(work, "Downloads");
  mkdirSync(downloads);
  opened = browserStandin(work);
  app = await launch({ env: { ...opened.env, PATCHDESK_DOWNLOADS: downloads } });
  await find(app.browser, '[data-testid="inbox-item"]');
});
after(async () => {
  await app?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

test("the window cannot make Patchdesk import, open or watch paths nobody chose", async () => {
  const b = app.browser;
  const outside = join(work, "elsewhere");
  mkdirSync(outside);
  const patch = join(outside, "patch_20261121_101500_X9.diff");
  writeFileSync(patch, PATCH);
  execFileSync("git", ["init", "-q", join(outside, "repo")]);
  // A link inside the open project that points outside it.
  const link = join(app.dataDir, "demo/project/patch_20261121_101600_X8.diff");
  symlinkSync(patch, link);

  const attempts = [
    ["import_files", { paths: [patch] }],
    ["import_files", { paths: [link] }],
    ["import_files", { paths: [join(app.dataDir, "demo/project/../../../elsewhere", "patch_20261121_101500_X9.diff")] }],
    ["import_files", { paths: ["/etc/passwd"] }],
    ["open_project", { path: join(outside, "repo") }],
    ["set_downloads_watch", { on: true, folder: outside }],
  ];
  for (const [cmd, args] of attempts) {
    const r = await invoke(b, cmd, args);
    assert.ok(r.err, `${cmd} ${JSON.stringify(args)} must be refused, got ${JSON.stringify(r)}`);
    assert.equal(r.err.code, "path_not_chosen", JSON.stringify(r.err));
    assert.match(r.err.message, /^Patchdesk only opens files you chose or dropped on the window; drop \S+ on the window/);
  }
  // Nothing was taken in, nothing opened, nothing watched.
  const items = await b.$$('[data-testid="inbox-item"]');
  for (const i of items) assert.doesNotMatch(String(await i.getAttribute("data-task")), /^X[89]$/);
  const overview = await invoke(b, "current_project", {});
  assert.ok(overview.ok.inbox.every((i) => !/X[89]/.test(i.name)), "no item from outside the project");
  assert.equal(overview.ok.summary.name, "Return-to-Play Guide (demo)");
  assert.equal((await invoke(b, "watched_folder", {})).ok, downloads);
  // The window may not open dialogs or web pages itself any more.
  for (const [cmd, args] of [["plugin:dialog|open", { options: { directory: true } }], ["plugin:opener|open_url", { url: "https://github.com/" }]]) {
    const r = await invoke(b, cmd, args);
    assert.ok(r.err, `${cmd} must not be allowed: ${JSON.stringify(r)}`);
  }
  assert.deepEqual(openedUrls(opened.log), []);
});

test("a link in a pod's reasoning opens in the browser, not in the window; other links are plain text", async () => {
  const b = app.browser;
  const bundle = join(work, "bundle");
  mkdirSync(join(bundle, "docs"), { recursive: true });
  writeFileSync(join(bundle, "metadata.json"), JSON.stringify({ task_id: "W1", summary: "Links in the reasoning" }));
  writeFileSync(
    join(bundle, "reasoning_trace.md"),
    [
      "## Thoughts",
      "- The coaches' guide is at [the RTP guide](https://example.org/rtp-guide?from=pod).",
      "- Do not click [this](javascript:alert(document.domain)) or [that](file:///etc/passwd) or [the other](data:text/html,hi).",
      "",
    ].join("\n"),
  );
  writeFileSync(join(bundle, "docs/links.md"), "# Links\n\nSee the reasoning.\n");
  // A file under Patchdesk's own data folder may be named by the window.
  const zip = join(app.dataDir, "patch_W1_20261121_101500.zip");
  execFileSync("zip", ["-q", "-r", "-D", zip, "metadata.json", "reasoning_trace.md", "docs"], { cwd: bundle });
  const added = await invoke(b, "import_files", { paths: [zip] });
  assert.equal(added.ok?.imported?.[0]?.task_id, "W1", JSON.stringify(added));
  await (await find(b, "button=Demo")).click();

  await (await find(b, '[data-testid="inbox-item"][data-task="W1"]', 30000)).click();
  const reasoning = await find(b, '[data-testid="pod-log"][data-kind="reasoning_trace"]', 20000);
  const before = await b.getUrl();
  const link = await reasoning.$("a=the RTP guide");
  await link.waitForExist({ timeout: 10000 });
  await link.click();
  await b.waitUntil(async () => openedUrls(opened.log).includes("https://example.org/rtp-guide?from=pod"), {
    timeout: 15000,
    timeoutMsg: `the browser was given the link (it got ${JSON.stringify(openedUrls(opened.log))})`,
  });
  assert.equal(await b.getUrl(), before, "the window stayed on Patchdesk");
  // javascript:, file: and data: links are shown as plain text, not links.
  const html = await reasoning.getHTML();
  assert.doesNotMatch(html, /javascript:|file:\/\/|data:text/);
  for (const text of ["this", "that", "the other"]) {
    assert.equal(await (await reasoning.$(`span.inert-link=${text}`)).isExisting(), true, `${text} is plain text`);
  }
  assert.deepEqual(openedUrls(opened.log), ["https://example.org/rtp-guide?from=pod"]);
  if (process.env.PATCHDESK_E2E_SHOTS) await b.saveScreenshot(join(process.env.PATCHDESK_E2E_SHOTS, "pod-links.png"));
});

test("the window cannot be navigated away from Patchdesk, even by a script", async () => {
  const b = app.browser;
  const before = await b.getUrl();
  await b.execute(() => {
    window.location.href = "https://example.org/pod-page";
  });
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(await b.getUrl(), before);
  // Still Patchdesk, still answering.
  await (await find(b, '[data-testid="tab-board"]')).click();
  await (await find(b, '[data-testid="tab-inbox"]')).click();
  await find(b, '[data-testid="inbox-item"][data-task="F2.2"]');
  assert.deepEqual(openedUrls(opened.log), ["https://example.org/rtp-guide?from=pod"], "a refused navigation opens nothing");
});
