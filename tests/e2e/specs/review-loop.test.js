// The whole review loop on the demo, in the real window: F2.2 is sent for review, the practice
// reviewer asks for changes on a line, the lead sends it back to the pod (the revision prompt),
// the pod's revision is pasted and marked "Revision 2 of #1", reviewed against the request's
// branch and sent with "Update review request #1" (one more commit on the same branch, no second
// request), the practice reviewer approves, the lead merges: F2.2 is done and F4.1 waits only
// for F3.1 now. Screenshots of each card state go to $PATCHDESK_E2E_SHOTS.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { launch, find } from "../harness.js";

// The pod's revision of F2.2, as a chat answer: against the request's branch (the first version).
const REVISION = [
  "Here is the revision: the symptom message now says to tell the coach.",
  "",
  "```diff",
  "--- a/src/rtp/guidance.py",
  "+++ b/src/rtp/guidance.py",
  "@@ -20,5 +20,5 @@ def guidance_for(number, symptoms=False):",
  "     if number < 1 or number > len(STAGES):",
  '         raise ValueError(f"there is no stage {number}")',
  "     if symptoms and number > 1:",
  '-        return f"Symptoms are back: return to stage {number - 1} and rest for 24 hours."',
  '+        return f"Symptoms are back: return to stage {number - 1}, rest for 24 hours and tell your coach."',
  '     return f"Stage {number}: {STAGES[number - 1]}. {ADVICE[number]}"',
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

const git = (dir, ...args) => execFileSync("git", ["-C", dir, ...args], { encoding: "utf8" }).trim();

async function shot(name) {
  if (process.env.PATCHDESK_E2E_SHOTS) await app.browser.saveScreenshot(join(process.env.PATCHDESK_E2E_SHOTS, name));
}

/** Waits until `selector`'s text matches `re`. */
async function textMatches(b, selector, re, timeout = 20000) {
  let said = "";
  await b.waitUntil(
    async () => {
      const el = await b.$(selector);
      // getText gives only what is on screen; a card scrolled out of its column reads as empty.
      said = (await el.isExisting()) ? (await el.getText()) || (await el.getProperty("textContent")) : "(not there)";
      return re.test(said);
    },
    { timeout, timeoutMsg: `${selector} to say ${re}; it says ${JSON.stringify(said)}` },
  );
}

const CARD = '[data-testid="task-card"][data-task="F2.2"]';

/** The F2.2 card's request dialog, opened from its state chip. */
async function openRequest(b) {
  await (await find(b, `${CARD} [data-testid="review-chip"]`)).click();
  return find(b, '[data-testid="request-dialog"][data-task="F2.2"]');
}
async function closeRequest(b) {
  await (await find(b, '[data-testid="request-close"]')).click();
  await b.waitUntil(async () => !(await (await b.$('[data-testid="request-dialog"]')).isExisting()), { timeout: 5000 });
}

async function send(b, button, words) {
  await (await find(b, '[data-testid="send-for-review"]')).click();
  await find(b, '[data-testid="promote-dialog"]');
  const go = await find(b, '[data-testid="promote-send"]');
  assert.equal(await go.getText(), button);
  await go.click();
  const result = await find(b, '[data-testid="promote-result"]', 60000);
  assert.match(await result.getText(), words);
  await (await find(b, "button=Done")).click();
}

test("changes asked, sent back, revision pasted (Revision 2 of #1) and sent to the same request, approved and merged: F2.2 is done and F4.1 moves on", async () => {
  const b = app.browser;
  const remote = join(app.dataDir, "demo/practice-remote.git");
  const project = join(app.dataDir, "demo/project");

  // 1. Send F2.2 for review.
  await (await find(b, '[data-testid="inbox-item"][data-task="F2.2"]')).click();
  await send(b, "Send for review", /Review request #1 is open/);
  await (await find(b, '[data-testid="tab-board"]')).click();
  await (await find(b, '[data-testid="group-pod"]')).click();
  await textMatches(b, `${CARD} [data-testid="review-chip"]`, /^In review #1$/);
  await textMatches(b, '[data-testid="task-card"][data-task="F4.1"]', /Waits for F2\.2, F3\.1/);
  await shot("review-loop-1-in-review.png");

  // 2. The practice reviewer asks for changes on line 23 of the guidance (the symptom message).
  let dialog = await openRequest(b);
  assert.match(await dialog.getText(), /Practice reviewer \(stands in for a teammate on GitHub\)/);
  await (await find(b, '[data-testid="practice-ask"]')).click();
  await (await find(b, '[data-testid="practice-comment"]')).setValue("Tell the athlete to let the coach know.");
  await b.waitUntil(async () => (await (await b.$('[data-testid="practice-file"] option[value="src/rtp/guidance.py"]')).isExisting()), { timeout: 10000 });
  await (await find(b, '[data-testid="practice-file"]')).selectByAttribute("value", "src/rtp/guidance.py");
  await (await find(b, '[data-testid="practice-line"]')).setValue("23");
  await (await find(b, '[data-testid="practice-ask-send"]')).click();
  await textMatches(b, '[data-testid="request-dialog"] [data-testid="request-verdict"]', /^Changes asked by practice reviewer · 1 comment$/);
  const merge = await find(b, '[data-testid="merge"]');
  assert.equal(await merge.isEnabled(), false, "no merge while changes are asked");
  await closeRequest(b);
  await textMatches(b, `${CARD} [data-testid="request-verdict"]`, /Changes asked by practice reviewer · 1 comment/);
  await shot("review-loop-2-changes-asked.png");

  // 3. Send back to the pod: the revision prompt quotes the comment with its file and line.
  dialog = await openRequest(b);
  await (await find(b, '[data-testid="send-back"]')).click();
  await textMatches(b, '[data-testid="revision-prompt"]', /Tell the athlete to let the coach know\./);
  const prompt = await (await find(b, '[data-testid="revision-prompt"]')).getText();
  assert.match(prompt, /src\/rtp\/guidance\.py/);
  assert.match(prompt, /23/);
  assert.match(readFileSync(join(project, ".logs/feedback/F2.2.md"), "utf8"), /Tell the athlete to let the coach know\./);
  await shot("review-loop-3-sent-back.png");
  await closeRequest(b);

  // 4. The pod's revision, pasted: "Revision 2 of #1", sent as "Update review request #1".
  await (await find(b, '[data-testid="tab-inbox"]')).click();
  await b.execute((text) => {
    document.activeElement?.blur?.();
    const data = new DataTransfer();
    data.setData("text/plain", text);
    document.body.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
  }, REVISION);
  await find(b, '[data-testid="paste-dialog"]');
  await (await find(b, '[data-testid="paste-task"]')).selectByAttribute("value", "F2.2");
  const add = await find(b, '[data-testid="paste-add"]');
  await b.waitUntil(() => add.isEnabled(), { timeout: 10000, timeoutMsg: "Add to inbox once the task is picked" });
  await add.click();
  const revised = '[data-testid="inbox-item"][data-task="F2.2"] [data-testid="revision-of"]';
  await textMatches(b, revised, /^Revision 2 of #1$/);
  // Its review is on the request's branch: the one line changed since the first version, and
  // the whole change against main a click away.
  await textMatches(b, '[data-testid="review"] [data-testid="revision-review"]', /Revision 2 of #1.*request's branch/s);
  await textMatches(b, '[data-testid="revision-since"]', /Since the last revision · 1 file \+1 −1/);
  await textMatches(b, '[data-testid="outcome-badge"]', /^(Applies cleanly|Repaired — 2 fixes)$/);
  await textMatches(b, '[data-testid="send-for-review"]', /^Update review request #1$/);
  await shot("review-loop-4-revision.png");

  // 5. "Update review request #1": one more commit on the same branch, no second request.
  const work = git(remote, "for-each-ref", "--format=%(refname:short)", "refs/heads/").split("\n").filter((x) => x !== "main");
  assert.equal(work.length, 1, `one request branch: ${work}`);
  await send(b, "Update review request #1", /Review request #1 is updated/);
  assert.equal(git(remote, "rev-list", "--count", `main..${work[0]}`), "2", "one more commit on the same branch");
  assert.equal(git(remote, "for-each-ref", "--format=%(refname)", "refs/reviews/"), "refs/reviews/1", "no second request");

  // 6. The practice reviewer approves; the lead merges.
  await (await find(b, '[data-testid="tab-board"]')).click();
  dialog = await openRequest(b);
  await (await find(b, '[data-testid="practice-approve"]')).click();
  await textMatches(b, '[data-testid="request-dialog"] [data-testid="request-verdict"]', /^Approved$/);
  await closeRequest(b);
  await textMatches(b, `${CARD} [data-testid="request-verdict"]`, /^Approved$/);
  await shot("review-loop-5-approved.png");
  dialog = await openRequest(b);
  await (await find(b, '[data-testid="merge"]')).click();
  await textMatches(b, `${CARD} [data-testid="review-chip"]`, /^Merged #1$/, 30000);
  await b.waitUntil(async () => !(await (await b.$('[data-testid="request-dialog"] [data-testid="merge"]')).isExisting()), { timeout: 10000 });
  await closeRequest(b);

  // F2.2 is done, F4.1 waits only for F3.1, and the practice remote's main has the merge.
  await textMatches(b, `${CARD} .status`, /^Done$/);
  await shot("review-loop-6-merged.png");
  await textMatches(b, '[data-testid="task-card"][data-task="F4.1"]', /Waits for F3\.1/);
  assert.match(git(remote, "show", "main:src/rtp/guidance.py"), /Symptoms are back/);
  assert.equal(git(remote, "for-each-ref", "--format=%(refname)", "refs/reviews/"), "refs/reviews/1", "one request all along");
});
