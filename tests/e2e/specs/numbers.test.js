// The board's filters and grouping, and the Numbers screen, in the real window on the demo.
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

test("search, status grouping and Clear filters on the board", async () => {
  const b = app.browser;
  await (await find(b, '[data-testid="tab-board"]')).click();
  await (await find(b, '[data-testid="group-pod"]')).click();
  const count = await find(b, '[data-testid="board-count"]');
  const total = (await b.$$('[data-testid="task-card"]')).length;
  assert.ok(total >= 5, `the demo has its tasks (${total})`);
  await (await find(b, '[data-testid="board-search"]')).setValue("F2.1");
  await b.waitUntil(async () => (await b.$$('[data-testid="task-card"]')).length === 1, { timeout: 5000, timeoutMsg: "search narrows to one card" });
  assert.match(await count.getText(), new RegExp(`^Showing 1 of ${total} tasks`));
  await (await find(b, '[data-testid="board-search"]')).setValue("no such task anywhere");
  await find(b, '[data-testid="board-empty"]');
  await (await find(b, '[data-testid="clear-filters"]')).click();
  await b.waitUntil(async () => (await b.$$('[data-testid="task-card"]')).length === total, { timeout: 5000 });
  await (await find(b, '[data-testid="group-status"]')).click();
  const headings = await b.$$('[data-testid="board-column"] h3');
  const names = [];
  for (const h of headings) names.push(await h.getText());
  assert.ok(names.some((n) => /Done/.test(n)) && names.some((n) => /Ready|Planned|Backlog/.test(n)), `status columns: ${names}`);
  await (await find(b, '[data-testid="group-pod"]')).click(); // leave the window as other specs expect it
});

test("the Numbers screen draws the project's charts from its logs", async () => {
  const b = app.browser;
  await (await find(b, '[data-testid="tab-numbers"]')).click();
  const weekly = await find(b, '[data-testid="metric-weekly"]', 20000);
  assert.match(await weekly.getText(), /Patches received per week/);
  await b.waitUntil(async () => (await weekly.$$("svg .recharts-bar-rectangle")).length > 0, {
    timeout: 15000,
    timeoutMsg: "the weekly chart has bars",
  });
  const rate = await find(b, '[data-testid="merge-rate"]');
  assert.match(await rate.getText(), /^\d+%$/);
});
