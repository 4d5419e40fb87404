// "Paste from chat" on the demo project, in the real window: an OpenAI patch (V4A) pasted on the
// window is recognised, filed under the task the lead picks, reviewed with its repairs named
// (the pod wrote only the file's name; its context had spaces at line ends), and sent to the
// practice remote exactly as reviewed.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { launch, find } from "../harness.js";

const V4A = [
  "Sure, here is the patch for the guidance wording:",
  "",
  "```",
  "*** Begin Patch",
  "*** Update File: guidance.py",
  "@@ def guidance_for(number):",
  "     if number < 1 or number > len(STAGES):  ",
  '         raise ValueError(f"there is no stage {number}")',
  '-    return f"Stage {number}: {STAGES[number - 1]}."',
  '+    return f"Stage {number}: {STAGES[number - 1]}. Rest if symptoms come back."',
  "*** End Patch",
  "```",
  "",
].join("\n");

let app;
before(async () => {
  app = await launch();
});
after(async () => {
  await app?.stop();
});

async function shot(name) {
  if (process.env.PATCHDESK_E2E_SHOTS) await app.browser.saveScreenshot(join(process.env.PATCHDESK_E2E_SHOTS, name));
}

test("a pasted OpenAI patch is picked for a task, reviewed with its repairs, and sent to the practice remote", async () => {
  const b = app.browser;
  await find(b, '[data-testid="inbox-item"]');
  // Ctrl+V on the window, outside any text field: the paste event brings the clipboard's text.
  await b.execute((text) => {
    document.activeElement?.blur?.();
    const data = new DataTransfer();
    data.setData("text/plain", text);
    document.body.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
  }, V4A);
  await find(b, '[data-testid="paste-dialog"]');
  assert.equal(await (await find(b, '[data-testid="paste-text"]')).getValue(), V4A);
  const seen = await find(b, '[data-testid="paste-recognised"]');
  await b.waitUntil(async () => /Patchdesk sees: OpenAI patch, 1 file/.test(await seen.getText()), { timeout: 15000, timeoutMsg: "what Patchdesk recognised" });
  const add = await find(b, '[data-testid="paste-add"]');
  assert.equal(await add.isEnabled(), false, "no task yet");
  await (await find(b, '[data-testid="paste-task"]')).selectByAttribute("value", "F4.1");
  await b.waitUntil(() => add.isEnabled(), { timeout: 5000, timeoutMsg: "Add to inbox once the task is picked" });
  await shot("paste.png");
  await add.click();

  // The new item is selected and reviewed: repaired, with both repairs in plain words.
  const item = await find(b, '[data-testid="inbox-item"][data-task="F4.1"]');
  assert.match(await item.getText(), /OpenAI patch/);
  assert.match(await item.getAttribute("data-name"), /^patch_\d{8}_\d{6}_F4\.1\.txt$/);
  const review = await find(b, '[data-testid="review"]');
  await b.waitUntil(async () => (await review.getAttribute("data-outcome")) !== null, { timeout: 15000 });
  assert.equal(await review.getAttribute("data-outcome"), "repaired");
  const repairs = await (await find(b, '[data-testid="repairs"]')).getText();
  assert.match(repairs, /The pod wrote guidance\.py; the project's only file with that name is src\/rtp\/guidance\.py/);
  assert.match(repairs, /matched once spaces at line ends were ignored/);
  assert.equal(await (await find(b, '[data-testid="tree-file"]')).getAttribute("data-path"), "src/rtp/guidance.py");
  const scroller = await find(b, '[data-testid="diff-scroller"]');
  await b.waitUntil(async () => /Rest if symptoms come back/.test(await scroller.getText()), { timeout: 15000, timeoutMsg: "the repaired file's new line" });
  await shot("paste-review.png");

  // Sent for review: the practice remote gets the file exactly as reviewed.
  await (await find(b, '[data-testid="send-for-review"]')).click();
  await find(b, '[data-testid="promote-dialog"]');
  await (await find(b, '[data-testid="promote-send"]')).click();
  const result = await find(b, '[data-testid="promote-result"]', 60000);
  assert.match(await result.getText(), /Review request #\d+ is open/);
  const remote = join(app.dataDir, "demo/practice-remote.git");
  const work = execFileSync("git", ["-C", remote, "for-each-ref", "--format=%(refname:short)", "refs/heads/"], { encoding: "utf8" })
    .trim()
    .split("\n")
    .filter((x) => x !== "main");
  assert.equal(work.length, 1, `one work branch: ${work}`);
  const sent = execFileSync("git", ["-C", remote, "show", `${work[0]}:src/rtp/guidance.py`], { encoding: "utf8" });
  assert.match(sent, /return f"Stage \{number\}: \{STAGES\[number - 1\]\}\. Rest if symptoms come back\."/);
  assert.match(sent, /    if number < 1 or number > len\(STAGES\):\n/, "the file's own line, without the pod's trailing spaces");
});
