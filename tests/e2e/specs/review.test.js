// The lead's review journey on the demo project, in the real window: a clean patch with the
// pod's notes, a chat-damaged patch with its repairs, a ZIP bundle, and sending one back.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { launch, find } from "../harness.js";

let app;
before(async () => {
  app = await launch();
});
after(async () => {
  await app?.stop();
});

async function openItem(task) {
  await (await find(app.browser, '[data-testid="tab-inbox"]')).click();
  await (await find(app.browser, `[data-testid="inbox-item"][data-task="${task}"]`)).click();
  const review = await find(app.browser, '[data-testid="review"]');
  await app.browser.waitUntil(async () => (await review.getAttribute("data-outcome")) !== null, { timeout: 15000 });
  return review;
}

async function diffText() {
  const scroller = await find(app.browser, '[data-testid="diff-scroller"]');
  await app.browser.waitUntil(async () => (await scroller.getText()).length > 0, { timeout: 15000 });
  return scroller.getText();
}

test("a clean patch shows its file, its lines and the summary beside it", async () => {
  const review = await openItem("F2.2");
  assert.equal(await review.getAttribute("data-outcome"), "clean");
  assert.equal(await (await find(app.browser, '[data-testid="outcome-badge"]')).getText(), "Applies cleanly");
  const file = await find(app.browser, '[data-testid="tree-file"]');
  assert.equal(await file.getAttribute("data-path"), "src/rtp/guidance.py");
  const text = await diffText();
  assert.match(text, /Symptoms are back: return to stage/);
  assert.match(text, /def guidance_for\(number, symptoms=False\)/);
  const notes = await find(app.browser, '[data-testid="pod-notes"]');
  assert.match(await notes.getText(), /Stage guidance with a symptom fallback/);
});

test("Esc closes the review: the hint is back and the keyboard is on the item just read", async () => {
  await openItem("F2.2");
  await (await find(app.browser, '[data-testid="diff-scroller"]')).click();
  await app.browser.keys("Escape");
  await find(app.browser, ".review-empty");
  assert.equal(await (await app.browser.$('[data-testid="review"]')).isExisting(), false);
  await app.browser.waitUntil(async () => (await app.browser.execute(() => document.activeElement?.getAttribute("data-task"))) === "F2.2", {
    timeout: 5000,
    timeoutMsg: "the keyboard did not go back to the item",
  });
});

test("a chat-damaged patch shows what was repaired, and the right lines", async () => {
  const review = await openItem("F2.1");
  assert.equal(await review.getAttribute("data-outcome"), "repaired");
  assert.match(await (await find(app.browser, '[data-testid="outcome-badge"]')).getText(), /^Repaired — \d+ fix/);
  const repairs = await find(app.browser, '[data-testid="repairs"]');
  assert.match(await repairs.getText(), /repaired this patch/);
  assert.match(await diffText(), /def test_unknown_stage/);
});

test("a ZIP bundle shows the full file it brings and the pod's reasoning rendered", async () => {
  await openItem("F3.1");
  const file = await find(app.browser, '[data-testid="tree-file"]');
  assert.equal(await file.getAttribute("data-path"), "docs/rtp_guidance.md");
  assert.match(await diffText(), /The one rule/);
  const reasoning = await find(app.browser, '[data-testid="pod-log"][data-kind="reasoning_trace"]');
  const html = await reasoning.getHTML();
  assert.match(html, /<h2[^>]*>Thoughts<\/h2>/, "markdown is rendered, not shown raw");
  assert.match(await reasoning.getText(), /Coaches read this on a phone/);
});

test("sending a patch back writes the feedback file and gives a prompt for the pod", async () => {
  await openItem("F2.2");
  await (await find(app.browser, '[data-testid="reject"]')).click();
  const note = await find(app.browser, "#reject-note");
  await note.setValue("Please keep each stage's advice under 15 words.");
  await (await find(app.browser, "button=Send back to the pod")).click();
  const done = await find(app.browser, '[data-testid="rejected"]');
  assert.match(await done.getText(), /\.logs\/feedback\/F2\.2\.md/);
  assert.match(await done.getText(), /under 15 words/);
  const feedback = join(app.dataDir, "demo/project/.logs/feedback/F2.2.md");
  assert.ok(existsSync(feedback), "feedback file written");
  assert.match(readFileSync(feedback, "utf8"), /under 15 words/);
  const item = await find(app.browser, '[data-testid="inbox-item"][data-task="F2.2"]');
  await app.browser.waitUntil(async () => /Rejected/.test(await item.getText()), { timeout: 10000 });
});

test("a change to the automation GitHub runs waits for the lead's \"I understand\"", async () => {
  const b = app.browser;
  // A pod's patch that also adds a workflow (it would run with the repository's secrets).
  const patch = join(app.dataDir, "patch_20261130_101500_F4.1.diff");
  writeFileSync(
    patch,
    [
      "diff --git a/.github/workflows/ci.yml b/.github/workflows/ci.yml",
      "new file mode 100644",
      "--- /dev/null",
      "+++ b/.github/workflows/ci.yml",
      "@@ -0,0 +1,2 @@",
      "+on: push",
      "+jobs: {}",
      "",
    ].join("\n"),
  );
  const added = await b.executeAsync(
    (paths, done) => window.__TAURI_INTERNALS__.invoke("import_files", { paths }).then((ok) => done({ ok }), (err) => done({ err })),
    [patch],
  );
  assert.equal(added.ok?.imported?.[0]?.task_id, "F4.1", JSON.stringify(added));
  await (await find(b, "button=Demo")).click();
  await openItem("F4.1");
  const risks = await find(b, '[data-testid="risks"]');
  assert.match(await risks.getText(), /automation GitHub runs with your repository's secrets \(\.github\/workflows\/ci\.yml\)/);
  const send = await find(b, '[data-testid="send-for-review"]');
  assert.equal(await send.isEnabled(), false, "Send for review waits for the tick");
  if (process.env.PATCHDESK_E2E_SHOTS) await b.saveScreenshot(join(process.env.PATCHDESK_E2E_SHOTS, "review-risks.png"));
  await (await find(b, '[data-testid="understand-risks"]')).click();
  await b.waitUntil(async () => send.isEnabled(), { timeout: 5000, timeoutMsg: "Send for review is enabled once ticked" });
});
