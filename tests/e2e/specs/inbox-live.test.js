// The window and `patchdesk serve` on the same project at once: with the window open on the
// demo (an item's review open), a pod hands a patch in through the pod API — the real CLI
// binary serving the demo with a token from `patchdesk token add` — and the item shows in the
// window's inbox within 10 s without a click, announced, with the open review left as it was.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { launch, find, shown, repoRoot } from "../harness.js";

function cliBinary() {
  const target = process.env.CARGO_TARGET_DIR || join(repoRoot, "target");
  const bin = process.env.PATCHDESK_CLI_BIN ?? join(target, "debug/patchdesk");
  if (!existsSync(bin)) throw new Error(`The CLI binary ${bin} does not exist: build it with cargo build -p patchdesk-cli`);
  return bin;
}

let app;
let server;
before(async () => {
  app = await launch();
});
after(async () => {
  if (server && server.exitCode === null) {
    server.kill();
    await new Promise((r) => (server.exitCode !== null ? r() : server.once("exit", r)));
  }
  await app?.stop();
});

async function shot(name) {
  if (process.env.PATCHDESK_E2E_SHOTS) await app.browser.saveScreenshot(join(process.env.PATCHDESK_E2E_SHOTS, name));
}

/** `patchdesk serve` on an ephemeral 127.0.0.1 port; resolves to its address once it listens. */
function serve(bin, project, env) {
  server = spawn(bin, ["serve", "--bind", "127.0.0.1:0", "--repo", project], { env, stdio: ["ignore", "pipe", "pipe"] });
  let said = "";
  server.stderr.on("data", (d) => (said += d));
  return new Promise((ok, fail) => {
    const lines = createInterface({ input: server.stdout });
    lines.once("line", (line) => {
      const addr = /http:\/\/(\S+)/.exec(line)?.[1];
      addr ? ok(addr) : fail(new Error(`serve printed no address: ${line}`));
    });
    server.once("exit", (code) => fail(new Error(`serve ended (${code}): ${said}`)));
  });
}

/** Waits for `state`, and names what the window showed when it did not come. */
async function until(b, state, timeout, what) {
  try {
    await b.waitUntil(state, { timeout, interval: 100 });
  } catch (e) {
    throw new Error(`${what} did not come within ${timeout} ms (${e.message}); the window showed: ${await shown(b)}`);
  }
}

async function toastTexts(b) {
  const texts = [];
  for (const t of await b.$$('[data-testid="toast"]')) texts.push(await t.getText());
  return texts;
}

const PATCH = [
  "diff --git a/docs/live-inbox.md b/docs/live-inbox.md",
  "new file mode 100644",
  "--- /dev/null",
  "+++ b/docs/live-inbox.md",
  "@@ -0,0 +1,2 @@",
  "+# Live inbox",
  "+Handed in through the pod API while the window was open.",
  "",
].join("\n");

test("an item sent through the pod API shows in the open window's inbox within 10 s without a click", async () => {
  const b = app.browser;
  // The lead is reviewing F2.2 when the pod's work arrives.
  const reviewed = await find(b, '[data-testid="inbox-item"][data-task="F2.2"]');
  const before = (await b.$$('[data-testid="inbox-item"]')).length;
  await reviewed.click();
  const review = await find(b, '[data-testid="review"]');
  await until(b, async () => (await review.getAttribute("data-outcome")) !== null, 15000, "F2.2's review");

  const bin = cliBinary();
  const project = join(app.dataDir, "demo/project");
  const env = { ...process.env, PATCHDESK_DATA_DIR: app.dataDir };
  const made = JSON.parse(execFileSync(bin, ["token", "add", "--json", "--pod", "QAPod", "--repo", project], { env }).toString());
  const addr = await serve(bin, project, env);
  const answer = await fetch(`http://${addr}/patches`, {
    method: "POST",
    headers: { Authorization: `Bearer ${made.token}`, "Content-Type": "application/json" },
    body: JSON.stringify({ task_id: "F4.1", summary: "Live inbox notes", patch: PATCH }),
  });
  const sent = Date.now();
  const body = await answer.json();
  assert.equal(answer.status, 201, JSON.stringify(body));

  // No click: the window's round sees the inbox change and the item appears.
  const item = `[data-testid="inbox-item"][data-name="${body.name}"]`;
  await until(b, async () => (await b.$(item)).isExisting(), 10000, `the API's item ${body.name}`);
  const took = Date.now() - sent;
  process.stderr.write(`the API's item showed after ${took} ms\n`);
  const card = await b.$(item);
  await until(b, async () => /Live inbox notes/.test(await card.getText()), 5000, "the new card's summary");
  assert.match(await card.getText(), /QA pod/);
  assert.equal((await b.$$('[data-testid="inbox-item"]')).length, before + 1);

  // Announced politely, once.
  await until(b, async () => (await toastTexts(b)).some((t) => /QA pod sent F4\.1/.test(t)), 5000, "the arrival's toast");
  // What the lead had open stays open.
  assert.equal(await (await b.$('[data-testid="inbox-item"][data-task="F2.2"]')).getAttribute("aria-pressed"), "true");
  assert.equal(await (await find(b, '[data-testid="review"]')).getAttribute("data-outcome") !== null, true);
  await shot("inbox-live.png");
});
