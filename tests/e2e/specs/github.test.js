// Connecting GitHub in the real window, against the OpenAPI-checked GitHub stand-in (run as a
// process): sign in with a code (approved on the stand-in) and with a token, find a repository,
// open it (Patchdesk's own clone), pick up a pod's patch from the Downloads folder, and send it
// for review as a pull request. The token must never reach a file the app writes.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { mkdtempSync, writeFileSync, readdirSync, readFileSync, statSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launch, find, repoRoot, browserStandin, openedUrls } from "../harness.js";

/** The stand-in process: `ask("pulls octo/hello")` sends a command and resolves with its answer line. */
async function startStandin() {
  const bin = process.env.PATCHDESK_STANDIN_BIN ?? join(repoRoot, "target/debug/standin-server");
  if (!existsSync(bin)) throw new Error(`${bin} does not exist: build it with scripts/e2e.sh`);
  const proc = spawn(bin, [], { stdio: ["pipe", "pipe", "inherit"] });
  const lines = createInterface({ input: proc.stdout });
  const waiting = [];
  lines.on("line", (l) => waiting.shift()?.(l));
  const next = () => new Promise((ok) => waiting.push(ok));
  const hello = JSON.parse(await next());
  const ask = async (cmd) => {
    const answer = next();
    proc.stdin.write(`${cmd}\n`);
    return answer;
  };
  const stop = () => {
    proc.stdin.end();
    return new Promise((r) => (proc.exitCode !== null ? r() : proc.once("exit", r)));
  };
  return { ...hello, ask, stop };
}

/** Every file under `dir` whose bytes contain `needle`. */
function filesContaining(dir, needle) {
  const found = [];
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const s = statSync(p, { throwIfNoEntry: false });
      if (!s) continue;
      if (s.isDirectory()) walk(p);
      else if (s.isFile() && readFileSync(p).includes(needle)) found.push(p);
    }
  };
  walk(dir);
  return found;
}

let gh;
let app;
let downloads;
let browserDir;
let opened;
before(async () => {
  gh = await startStandin();
  downloads = mkdtempSync(join(tmpdir(), "patchdesk-downloads-"));
  browserDir = mkdtempSync(join(tmpdir(), "patchdesk-browser-"));
  opened = browserStandin(browserDir);
  app = await launch({
    env: { PATCHDESK_GITHUB_API: gh.api, PATCHDESK_GITHUB_CLIENT_ID: "Iv1.patchdesk-e2e", PATCHDESK_DOWNLOADS: downloads, ...opened.env },
  });
});
after(async () => {
  await app?.stop();
  if (gh) {
    assert.deepEqual(JSON.parse(await gh.ask("violations")), [], "every request and response matched GitHub's description");
    await gh.stop();
  }
  if (downloads) rmSync(downloads, { recursive: true, force: true });
  if (browserDir) rmSync(browserDir, { recursive: true, force: true });
});

test("sign in with a code approved on GitHub, then sign out", async () => {
  const b = app.browser;
  const button = await find(b, '[data-testid="github-button"]');
  await b.waitUntil(async () => (await button.getText()) === "Connect GitHub…", { timeout: 15000 });
  await button.click();
  await find(b, '[data-testid="github-dialog"]');
  await (await find(b, '[data-testid="github-sign-in-code"]')).click();
  const code = await (await find(b, '[data-testid="github-user-code"]', 20000)).getText();
  assert.match(code, /^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
  // "Copy the code and open GitHub" opens the sign-in page in the browser, not in the window.
  const windowUrl = await b.getUrl();
  await (await find(b, '[data-testid="github-open-page"]')).click();
  await b.waitUntil(async () => openedUrls(opened.log).includes(`${gh.api}/login/device`), {
    timeout: 15000,
    timeoutMsg: `the sign-in page was opened in the browser (it got ${JSON.stringify(openedUrls(opened.log))})`,
  });
  assert.equal(await b.getUrl(), windowUrl, "the window stayed on Patchdesk");
  assert.equal(await gh.ask(`approve ${code}`), "ok");
  const who = await find(b, '[data-testid="github-login"]', 30000);
  assert.equal(await who.getText(), "Octo Lead (octo)");
  await b.waitUntil(async () => (await button.getText()) === "GitHub: octo", { timeout: 10000 });
  await (await find(b, '[data-testid="github-sign-out"]')).click();
  await find(b, '[data-testid="github-use-token"]');
  await b.waitUntil(async () => (await button.getText()) === "Connect GitHub…", { timeout: 10000 });
  await (await find(b, '[data-testid="github-close"]')).click();
});

test("sign in with a token, search, open a repository, and send a downloaded patch as a pull request", async () => {
  const b = app.browser;
  await (await find(b, '[data-testid="github-button"]')).click();
  await (await find(b, '[data-testid="github-use-token"]')).click();
  // A wrong token is refused in plain words.
  await (await find(b, '[data-testid="github-token"]')).setValue("wrong-token-for-the-test");
  await (await find(b, '[data-testid="github-token-submit"]')).click();
  const refused = await find(b, '[data-testid="github-token-error"]', 20000);
  assert.match(await refused.getText(), /did not accept|sign in/i);
  await (await find(b, '[data-testid="github-token"]')).setValue(gh.token);
  await (await find(b, '[data-testid="github-token-submit"]')).click();
  await find(b, '[data-testid="github-login"]', 20000);

  const list = await find(b, '[data-testid="github-repo-list"]');
  await b.waitUntil(async () => (await list.$$("li")).length === 2, { timeout: 20000, timeoutMsg: "both repositories listed" });
  await (await find(b, '[data-testid="github-repo-search"]')).setValue("web");
  await b.waitUntil(async () => (await list.$$("li")).length === 1, { timeout: 5000 });
  assert.match(await list.getText(), /octo\/website/);
  await (await find(b, '[data-testid="github-repo-search"]')).setValue("hello");
  await (await find(b, '[data-testid="github-open-octo/hello"]')).click();
  const name = await find(b, '[data-testid="project-name"]');
  await b.waitUntil(
    async () => {
      const err = await b.$('[data-testid="github-repos-error"]');
      if (await err.isExisting()) throw new Error(`connecting failed: ${await err.getText()}`);
      return (await name.getText()) === "hello";
    },
    { timeout: 60000, timeoutMsg: "the cloned repository opened" },
  );
  const clone = join(app.dataDir, "repositories");
  assert.ok(readdirSync(clone).length === 1, "one clone in the app's data folder");

  // A pod's patch lands in Downloads and appears in the inbox.
  const patch = [
    "diff --git a/src/guide.txt b/src/guide.txt",
    "--- a/src/guide.txt",
    "+++ b/src/guide.txt",
    "@@ -1,3 +1,4 @@",
    " Rest for two days.",
    " Walk on day three.",
    "+Jog gently on day four.",
    " Run on day five.",
    "",
  ].join("\n");
  writeFileSync(join(downloads, "patch_20261121_101500_T7.diff"), patch);
  const item = await find(b, '[data-testid="inbox-item"][data-task="T7"]', 30000);
  await item.click();
  await b.waitUntil(async () => /Jog gently on day four/.test(await (await find(b, '[data-testid="diff-scroller"]')).getText()), {
    timeout: 20000,
    timeoutMsg: "the diff is shown",
  });
  await (await find(b, '[data-testid="send-for-review"]')).click();
  await (await find(b, '[data-testid="promote-send"]')).click();
  const result = await find(b, '[data-testid="promote-result"]', 60000);
  assert.match(await result.getText(), /#1 is open/);
  // "Open in the browser" gives the pull request's page to the browser; the window stays.
  const windowUrl = await b.getUrl();
  await (await find(b, '[data-testid="promote-open-browser"]')).click();
  await b.waitUntil(async () => openedUrls(opened.log).includes(`${gh.api}/octo/hello/pull/1`), {
    timeout: 15000,
    timeoutMsg: `the pull request was opened in the browser (it got ${JSON.stringify(openedUrls(opened.log))})`,
  });
  assert.equal(await b.getUrl(), windowUrl, "the window stayed on Patchdesk");

  const pulls = JSON.parse(await gh.ask("pulls octo/hello"));
  assert.equal(pulls.length, 1);
  assert.equal(pulls[0].state, "open");
  assert.equal(pulls[0].base, "main");
  assert.match(pulls[0].title, /^\[T7\]/);
  assert.match(pulls[0].head, /T7/i);
  assert.match(pulls[0].body ?? "", /src\/guide\.txt/);

  // Any web page can download `fix.diff`: it is only listed under "Seen in Downloads", and one
  // click adds it.
  await (await (await find(b, '[data-testid="promote-dialog"]')).$("button=Done")).click();
  await (await find(b, '[data-testid="tab-inbox"]')).click();
  const itemsBefore = (await b.$$('[data-testid="inbox-item"]')).length;
  writeFileSync(join(downloads, "fix.diff"), patch.replace("Jog gently", "Swim gently"));
  const seen = await find(b, '[data-testid="seen-download"]', 30000);
  assert.match(await seen.getText(), /fix\.diff/);
  assert.equal((await b.$$('[data-testid="inbox-item"]')).length, itemsBefore, "not added by itself");
  await (await seen.$("button=Add to inbox")).click();
  await b.waitUntil(async () => (await b.$$('[data-testid="inbox-item"]')).length === itemsBefore + 1, {
    timeout: 20000,
    timeoutMsg: "one click added the seen download to the inbox",
  });

  // The token is in the keyring only: not in any file the app wrote.
  assert.deepEqual(filesContaining(app.dataDir, gh.token), []);
});
