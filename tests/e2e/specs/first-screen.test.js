// The first screen, on the built-in demo project, in the real window.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, find } from "../harness.js";

let app;
before(async () => {
  app = await launch();
});
after(async () => {
  await app?.stop();
});

test("opens the demo project and shows its name and practice remote", async () => {
  const name = await find(app.browser, '[data-testid="project-name"]');
  assert.equal(await name.getText(), "Return-to-Play Guide (demo)");
  const badge = await find(app.browser, ".badge.practice");
  assert.equal(await badge.getText(), "Practice remote");
});

test("the inbox lists the pod downloads with task, pod and summary", async () => {
  await find(app.browser, '[data-testid="inbox-item"]');
  const items = await app.browser.$$('[data-testid="inbox-item"]');
  const tasks = [];
  for (const item of items) tasks.push(await item.getAttribute("data-task"));
  assert.deepEqual([...tasks].sort(), ["F2.1", "F2.2", "F3.1"]);
  const f22 = await find(app.browser, '[data-testid="inbox-item"][data-task="F2.2"]');
  const text = await f22.getText();
  assert.match(text, /Stage guidance with a symptom fallback/);
  assert.match(text, /Dev pod/);
  assert.match(text, /patch_20261118_101500_F2\.2\.diff/);
});

test("the board shows one column per pod with the demo's tasks in them", async () => {
  await (await find(app.browser, '[data-testid="tab-board"]')).click();
  await find(app.browser, '[data-testid="board-column"]');
  const columns = await app.browser.$$('[data-testid="board-column"]');
  const pods = [];
  for (const c of columns) pods.push(await c.getAttribute("data-pod"));
  for (const pod of ["DevPod", "QAPod", "ResearchPod", "DeliveryPod", "Human"]) {
    assert.ok(pods.includes(pod), `column ${pod} missing from ${pods}`);
  }
  const qa = await find(app.browser, '[data-testid="board-column"][data-pod="QAPod"]');
  const card = await qa.$('[data-testid="task-card"][data-task="F2.1"]');
  assert.ok(await card.isExisting(), "F2.1 should be in the QA pod's column");
  assert.match(await card.getText(), /Tests for the stage parser/);
  assert.match(await card.getText(), /Up next/);
});
