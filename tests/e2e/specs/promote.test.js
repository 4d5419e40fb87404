// "Send for review" on the demo project, in the real window: live steps, the result, and the
// review request recorded on the practice remote with one branch and one commit.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { launch, find } from "../harness.js";

let app;
before(async () => {
  app = await launch();
});
after(async () => {
  await app?.stop();
});

test("a clean patch is sent to the practice remote as one branch, one commit and one review request", async () => {
  const b = app.browser;
  await (await find(b, '[data-testid="inbox-item"][data-task="F2.2"]')).click();
  await (await find(b, '[data-testid="send-for-review"]')).click();
  await find(b, '[data-testid="promote-dialog"]');
  await (await find(b, '[data-testid="promote-send"]')).click();
  const result = await find(b, '[data-testid="promote-result"]', 60000);
  assert.match(await result.getText(), /Review request #1 is open/);
  const steps = await b.$$('[data-testid="promote-steps"] li');
  const states = [];
  for (const s of steps) states.push(`${await s.getAttribute("data-step")}=${await s.getAttribute("data-state")}`);
  assert.deepEqual(states, ["prepare=done", "commit=done", "push=done", "open_review=done", "finish=done"]);

  const remote = join(app.dataDir, "demo/practice-remote.git");
  const branches = execFileSync("git", ["-C", remote, "for-each-ref", "--format=%(refname:short)", "refs/heads/"], { encoding: "utf8" })
    .trim()
    .split("\n");
  const work = branches.filter((x) => x !== "main");
  assert.equal(work.length, 1, `one work branch: ${branches}`);
  assert.match(work[0], /^chatgpt\/dev\/f2\.2/i);
  const count = execFileSync("git", ["-C", remote, "rev-list", "--count", `main..${work[0]}`], { encoding: "utf8" }).trim();
  assert.equal(count, "1", "exactly one commit");
  const subject = execFileSync("git", ["-C", remote, "log", "-1", "--format=%s", work[0]], { encoding: "utf8" }).trim();
  assert.equal(subject, "[F2.2] Stage guidance with a symptom fallback");
  const files = execFileSync("git", ["-C", remote, "show", "--name-only", "--format=", work[0]], { encoding: "utf8" });
  assert.match(files, /src\/rtp\/guidance\.py/);
  assert.match(files, /\.logs\/trace_log\.md/);
  const reviews = execFileSync("git", ["-C", remote, "for-each-ref", "--format=%(refname)", "refs/reviews/"], { encoding: "utf8" }).trim();
  assert.equal(reviews, "refs/reviews/1");

  // From the result, the task goes on to the next pod (QA after Dev).
  const handOn = await find(b, '[data-testid="promote-hand-off"]');
  assert.equal(await handOn.getText(), "Hand F2.2 to the QA Pod…");
  await handOn.click();
  assert.equal(await (await find(b, '[data-testid="handoff-to"]')).getValue(), "QAPod");
  await (await find(b, '[data-testid="handoff-reason"]')).setValue("Sent for review; please test the stage guidance");
  await (await find(b, "button=Hand off to the QA Pod")).click();
  await b.waitUntil(async () => {
    for (const t of await b.$$('[data-testid="toast"]')) if (/Handed F2\.2 to the QA Pod/.test(await t.getText())) return true;
    return false;
  }, { timeout: 15000, timeoutMsg: "the handoff toast" });
  const project = join(app.dataDir, "demo/project");
  const log = execFileSync("git", ["-C", project, "log", "-1", "--format=%s"], { encoding: "utf8" }).trim();
  assert.match(log, /F2\.2/);
  assert.match(log, /QA/);
  const item = await find(b, '[data-testid="inbox-item"][data-task="F2.2"]');
  await b.waitUntil(async () => /Sent for review/.test(await item.getText()), { timeout: 10000 });
});
