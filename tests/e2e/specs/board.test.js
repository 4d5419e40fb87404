// Handing a task to another pod by dragging its card on the board, in the real window.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
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

test("dragging a card to another pod hands the task over: dialog, new column, log, prompt, commit", async () => {
  const b = app.browser;
  await (await find(b, '[data-testid="tab-board"]')).click();
  // The grouping choice is remembered by the window; columns must be pods for dragging.
  await (await find(b, '[data-testid="group-pod"]')).click();
  const card = await find(b, '[data-testid="board-column"][data-pod="QAPod"] [data-testid="task-card"][data-task="F2.1"]');
  const target = await find(b, '[data-testid="board-column"][data-pod="DeliveryPod"]');
  const from = await card.getLocation();
  const fromSize = await card.getSize();
  const to = await target.getLocation();
  const toSize = await target.getSize();
  const sx = Math.round(from.x + fromSize.width / 2), sy = Math.round(from.y + 20);
  const tx = Math.round(to.x + toSize.width / 2), ty = Math.round(to.y + toSize.height / 2);
  await b
    .action("pointer", { parameters: { pointerType: "mouse" } })
    .move({ x: sx, y: sy })
    .down({ button: 0 })
    .move({ x: sx + 20, y: sy + 5, duration: 100 })
    .move({ x: tx, y: ty, duration: 300 })
    .up({ button: 0 })
    .perform();

  const dialog = await find(b, '[data-testid="handoff-dialog"]');
  assert.match(await dialog.getText(), /Hand F2\.1 from the QA pod to/);
  assert.equal(await (await find(b, '[data-testid="handoff-to"]')).getValue(), "DeliveryPod");
  assert.match(await dialog.getText(), /src\/rtp\/stages\.py/, "input files are pre-filled from the task");
  await (await find(b, '[data-testid="handoff-reason"]')).setValue("Tests are written; package them for release");
  await (await find(b, "button=Hand off to the Delivery Pod")).click();

  const moved = await find(b, '[data-testid="board-column"][data-pod="DeliveryPod"] [data-testid="task-card"][data-task="F2.1"]');
  assert.ok(await moved.isExisting());
  const toast = await find(b, '[data-testid="toast"]');
  assert.match(await toast.getText(), /Handed F2\.1 to the Delivery Pod/);

  const project = join(app.dataDir, "demo/project");
  const log = readFileSync(join(project, ".logs/handoff_log.yaml"), "utf8");
  assert.match(log, /task: F2\.1/);
  assert.match(log, /Tests are written; package them for release/);
  const prompt = join(project, "prompts/used/DeliveryPod/F2.1_prompt.txt");
  assert.ok(existsSync(prompt), "prompt packet written");
  assert.match(readFileSync(prompt, "utf8"), /F2\.1/);
  const subject = execFileSync("git", ["-C", project, "log", "-1", "--format=%s"], { encoding: "utf8" }).trim();
  assert.equal(subject, "Hand off F2.1: QAPod → DeliveryPod");

  // The board's commit goes to the remote's main branch too (the demo's practice remote).
  const head = execFileSync("git", ["-C", project, "rev-parse", "HEAD"], { encoding: "utf8" }).trim();
  const remote = join(app.dataDir, "demo/practice-remote.git");
  await b.waitUntil(
    async () => execFileSync("git", ["-C", remote, "rev-parse", "refs/heads/main"], { encoding: "utf8" }).trim() === head,
    { timeout: 20000, timeoutMsg: "the handoff reached the remote" },
  );
  await b.waitUntil(async () => {
    for (const t of await b.$$('[data-testid="toast"]')) if (/Sent 1 board change to main/.test(await t.getText())) return true;
    return false;
  }, { timeout: 10000, timeoutMsg: "the window says it was sent" });
});
