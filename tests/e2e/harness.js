// Starts the real Patchdesk binary through tauri-driver and hands back a WebDriver session.
// Run inside a display (scripts/e2e.sh wraps everything in Xvfb and a private D-Bus session).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, existsSync, readdirSync, readFileSync, writeFileSync, chmodSync } from "node:fs";
import { tmpdir, homedir } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import net from "node:net";
import { remote } from "webdriverio";

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, "../..");

export function appBinary() {
  // The release build (scripts/build-app.sh), what people install.
  const target = process.env.CARGO_TARGET_DIR || join(repoRoot, "target");
  const bin = process.env.PATCHDESK_APP_BIN ?? join(target, "release/patchdesk-app");
  if (!existsSync(bin)) throw new Error(`The app binary ${bin} does not exist: build it with scripts/e2e.sh`);
  return bin;
}

function tauriDriverPath() {
  const local = join(homedir(), ".cargo/bin/tauri-driver");
  return existsSync(local) ? local : "tauri-driver";
}

function freePort() {
  return new Promise((ok, fail) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", fail);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

async function waitForPort(port, ms) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const ok = await new Promise((r) => {
      const s = net.connect(port, "127.0.0.1", () => { s.end(); r(true); });
      s.on("error", () => r(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`tauri-driver did not listen on ${port} within ${ms} ms`);
}

/**
 * Launches the app with a fresh data folder (so the demo project is built anew) and returns
 * `{ browser, dataDir, stop }`. `env` is passed to the app. `dataDir`: start on that folder
 * instead (a second start of the same user's app); it is left in place by `stop`. `binary`:
 * another app to start (the benchmark's empty app) instead of Patchdesk.
 */
export async function launch({ env = {}, args = [], dataDir: given, binary = appBinary() } = {}) {
  const dataDir = given ?? mkdtempSync(join(tmpdir(), "patchdesk-e2e-"));
  const removeData = () => given || rmSync(dataDir, { recursive: true, force: true });
  const port = await freePort();
  const nativePort = await freePort();
  // The driver's (and the app's) output comes through pipes of this process rather than the
  // test runner's own: an app left running must never keep the runner waiting for its output.
  const driver = spawn(tauriDriverPath(), ["--port", String(port), "--native-port", String(nativePort)], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, PATCHDESK_DATA_DIR: dataDir, ...env },
  });
  driver.stdout.on("data", (d) => process.stderr.write(d));
  driver.stderr.on("data", (d) => process.stderr.write(d));
  let browser;
  try {
    await waitForPort(port, 15000);
    browser = await remote({
      hostname: "127.0.0.1",
      port,
      logLevel: "error",
      capabilities: {
        "tauri:options": { application: binary, args },
        "wdio:enforceWebDriverClassic": true,
      },
    });
  } catch (e) {
    driver.kill();
    removeData();
    throw e;
  }
  const stop = async () => {
    try { await browser.deleteSession(); } catch { /* the window may already be gone */ }
    driver.kill();
    await new Promise((r) => (driver.exitCode !== null ? r() : driver.once("exit", r)));
    await killLeftovers(dataDir);
    driver.stdout.destroy();
    driver.stderr.destroy();
    removeData();
  };
  return { browser, dataDir, stop };
}

/**
 * Ends any process still running with this launch's data folder in its environment: an app
 * window the driver did not close. Only processes this launch started carry that folder.
 * Waits (up to 5 s) until they are gone, so a next start on the same folder never meets the
 * dying one (its single-instance name on D-Bus is only free once it has exited).
 */
async function killLeftovers(dataDir) {
  const mark = `PATCHDESK_DATA_DIR=${dataDir}`;
  const killed = [];
  let pids = [];
  try {
    pids = readdirSync("/proc").filter((p) => /^\d+$/.test(p));
  } catch {
    return;
  }
  for (const pid of pids) {
    if (Number(pid) === process.pid) continue;
    try {
      const env = readFileSync(`/proc/${pid}/environ`, "latin1").split("\0");
      if (env.includes(mark)) {
        process.kill(Number(pid), "SIGKILL");
        killed.push(pid);
      }
    } catch {
      // gone already, or not ours to read
    }
  }
  const until = Date.now() + 5000;
  // A killed app can linger as a zombie whose other threads are still ending (`Zl` in ps):
  // it holds its D-Bus connection until the last one is gone.
  const alive = (pid) => {
    try {
      const zombie = /^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "latin1"));
      return !zombie || readdirSync(`/proc/${pid}/task`).length > 1;
    } catch {
      return false;
    }
  };
  while (killed.some(alive) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
}

/** Waits until `selector` exists and returns the element. */
export async function find(browser, selector, timeout = 15000) {
  const el = await browser.$(selector);
  try {
    await el.waitForExist({ timeout });
  } catch (e) {
    throw new Error(`${e.message}; the window showed: ${await shown(browser)}`);
  }
  return el;
}

/** What the window shows now, as text (its first 2,000 characters), for a failure's message. */
export async function shown(browser) {
  try {
    const text = await browser.execute(() => document.body.innerText);
    return JSON.stringify(String(text).replace(/\s+/g, " ").slice(0, 2000));
  } catch (e) {
    return `(could not be read: ${e.message})`;
  }
}

/**
 * A stand-in for the system browser in `dir`: the opener plugin runs xdg-open, which on a
 * generic desktop (no handler for the address) runs $BROWSER with the address; this one only
 * writes the address down. Pass `env` to `launch`, read with `openedUrls(log)`.
 */
export function browserStandin(dir) {
  const log = join(dir, "opened.txt");
  const script = join(dir, "browser.sh");
  writeFileSync(script, `#!/bin/sh\nprintf '%s\\n' "$1" >> '${log}'\n`);
  chmodSync(script, 0o755);
  return { log, env: { BROWSER: script, XDG_CURRENT_DESKTOP: "X-Generic" } };
}

/** The addresses the stand-in browser was given so far. */
export function openedUrls(log) {
  return existsSync(log) ? readFileSync(log, "utf8").split("\n").filter(Boolean) : [];
}
