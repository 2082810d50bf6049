// Renders report.html files in headless Chromium through the DevTools protocol and
// fails if a page logs a console error, throws, asks for anything but its own file,
// or lays out wider than the viewport. Saves a full-page PNG per page and width.
//
// Node's standard library only (its WebSocket needs --experimental-websocket before
// Node 22); tools/report-check.sh runs it.
//
//   node --experimental-websocket tools/report-check.mjs OUTDIR NAME=FILE.html...

import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const WIDTHS = [390, 1280];
const HEIGHT = 900;
const TIMEOUT_MS = 60_000;

const [outDir, ...pages] = process.argv.slice(2);
if (!outDir || pages.length === 0) {
  console.error("usage: report-check.mjs OUTDIR NAME=FILE.html...");
  process.exit(2);
}

const chrome = process.env.CHROMIUM || "chromium";
const profile = mkdtempSync(join(tmpdir(), "report-check-"));
const browser = spawn(
  chrome,
  [
    "--headless=new",
    "--remote-debugging-port=0",
    `--user-data-dir=${profile}`,
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-gpu",
    "--disable-extensions",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    // CI runs as root, where Chromium's sandbox cannot start.
    ...(process.getuid && process.getuid() === 0 ? ["--no-sandbox"] : []),
    "about:blank",
  ],
  { stdio: ["ignore", "ignore", "pipe"] },
);

const failures = [];
let finished = false;

function cleanUp() {
  if (!browser.killed) browser.kill("SIGKILL");
  try {
    rmSync(profile, { recursive: true, force: true });
  } catch {
    // A profile folder left in /tmp is harmless.
  }
}

const timer = setTimeout(() => {
  console.error(`report-check: timed out after ${TIMEOUT_MS / 1000} s`);
  cleanUp();
  process.exit(1);
}, TIMEOUT_MS);

const endpoint = await new Promise((ok, fail) => {
  let text = "";
  browser.stderr.on("data", (chunk) => {
    text += chunk;
    const m = text.match(/DevTools listening on (ws:\/\/\S+)/);
    if (m) ok(m[1]);
  });
  browser.on("exit", (code) => {
    if (!finished) fail(new Error(`chromium exited (${code}) before it listened:\n${text}`));
  });
  browser.on("error", fail);
});

const ws = new WebSocket(endpoint);
await new Promise((ok, fail) => {
  ws.onopen = ok;
  ws.onerror = () => fail(new Error("cannot connect to chromium"));
});

let nextId = 1;
const waiting = new Map();
const listeners = [];
ws.onmessage = (event) => {
  const msg = JSON.parse(event.data);
  if (msg.id && waiting.has(msg.id)) {
    const { ok, fail } = waiting.get(msg.id);
    waiting.delete(msg.id);
    if (msg.error) fail(new Error(`${msg.error.message} (${msg.error.code})`));
    else ok(msg.result);
  } else if (msg.method) {
    for (const l of listeners) l(msg);
  }
};

function send(method, params = {}, sessionId) {
  const id = nextId++;
  ws.send(JSON.stringify({ id, method, params, sessionId }));
  return new Promise((ok, fail) => waiting.set(id, { ok, fail }));
}

function once(method, sessionId) {
  return new Promise((ok) => {
    const l = (msg) => {
      if (msg.method === method && msg.sessionId === sessionId) {
        listeners.splice(listeners.indexOf(l), 1);
        ok(msg.params);
      }
    };
    listeners.push(l);
  });
}

async function check(name, file, width) {
  const url = pathToFileURL(resolve(file)).href;
  const where = `${name} at ${width} px`;
  const { targetId } = await send("Target.createTarget", { url: "about:blank" });
  const { sessionId } = await send("Target.attachToTarget", { targetId, flatten: true });
  const problems = [];
  listeners.push((msg) => {
    if (msg.sessionId !== sessionId) return;
    const p = msg.params;
    switch (msg.method) {
      case "Runtime.consoleAPICalled":
        if (p.type === "error" || p.type === "assert")
          problems.push(`console ${p.type}: ${p.args.map((a) => a.value ?? a.description).join(" ")}`);
        break;
      case "Runtime.exceptionThrown":
        problems.push(`exception: ${p.exceptionDetails.text}`);
        break;
      case "Log.entryAdded":
        if (p.entry.level === "error") problems.push(`log error: ${p.entry.text} ${p.entry.url ?? ""}`);
        break;
      case "Fetch.requestPaused":
        // The page's own file is the one request allowed; anything else is refused
        // (and is a failure): the report must open with no network and no other file.
        if (p.request.url === url) {
          send("Fetch.continueRequest", { requestId: p.requestId }, sessionId).catch(() => {});
        } else {
          problems.push(`requested ${p.request.url}`);
          send("Fetch.failRequest", { requestId: p.requestId, errorReason: "BlockedByClient" }, sessionId).catch(() => {});
        }
        break;
      case "Network.requestWillBeSent":
        if (p.request.url !== url && !p.request.url.startsWith("data:"))
          problems.push(`network request: ${p.request.url}`);
        break;
    }
  });
  await send("Runtime.enable", {}, sessionId);
  await send("Log.enable", {}, sessionId);
  await send("Network.enable", {}, sessionId);
  await send("Page.enable", {}, sessionId);
  await send("Fetch.enable", { patterns: [{ urlPattern: "*" }] }, sessionId);
  await send(
    "Emulation.setDeviceMetricsOverride",
    { width, height: HEIGHT, deviceScaleFactor: 1, mobile: width < 600 },
    sessionId,
  );
  const loaded = once("Page.loadEventFired", sessionId);
  const nav = await send("Page.navigate", { url }, sessionId);
  if (nav.errorText) problems.push(`cannot load: ${nav.errorText}`);
  await loaded;
  // Layout settles after load; fonts too.
  await send("Runtime.evaluate", { expression: "document.fonts.ready.then(() => 1)", awaitPromise: true }, sessionId);
  const { result } = await send(
    "Runtime.evaluate",
    {
      expression: `JSON.stringify({
        view: document.documentElement.clientWidth,
        scroll: document.documentElement.scrollWidth,
        height: document.documentElement.scrollHeight,
        svgs: document.querySelectorAll("svg").length,
        narrowSvgs: [...document.querySelectorAll("svg")].filter(s => s.getBoundingClientRect().width < 100).length,
        wide: [...document.querySelectorAll("body *")]
          .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1 && !e.closest(".scroll"))
          .slice(0, 5).map(e => e.tagName + (e.id ? "#" + e.id : "") + (e.className && typeof e.className === "string" ? "." + e.className : ""))
      })`,
      returnByValue: true,
    },
    sessionId,
  );
  const m = JSON.parse(result.value);
  if (m.scroll > m.view) problems.push(`lays out ${m.scroll} px wide in a ${m.view} px viewport (too wide: ${m.wide.join(", ")})`);
  if (m.narrowSvgs > 0) problems.push(`${m.narrowSvgs} of ${m.svgs} charts drawn under 100 px wide`);
  const shot = await send(
    "Page.captureScreenshot",
    {
      format: "png",
      captureBeyondViewport: true,
      clip: { x: 0, y: 0, width, height: Math.min(m.height, 16000), scale: 1 },
    },
    sessionId,
  );
  const png = join(outDir, `${name}-${width}.png`);
  writeFileSync(png, Buffer.from(shot.data, "base64"));
  await send("Target.closeTarget", { targetId });
  const status = problems.length ? "FAIL" : "ok";
  console.log(`${status}: ${where}: ${m.svgs} charts, ${m.scroll}x${m.height} px -> ${png}`);
  for (const p of problems) failures.push(`${where}: ${p}`);
}

try {
  for (const page of pages) {
    const at = page.indexOf("=");
    const [name, file] = at > 0 ? [page.slice(0, at), page.slice(at + 1)] : ["report", page];
    for (const width of WIDTHS) await check(name, file, width);
  }
} catch (e) {
  failures.push(String(e && e.stack ? e.stack : e));
} finally {
  finished = true;
  clearTimeout(timer);
  ws.close();
  cleanUp();
}

// The closing line in the plain form CI reads: renderings passed and failed.
const total = pages.length * WIDTHS.length;
const failed = new Set(failures.map((f) => f.split(":")[0])).size;
for (const f of failures) console.error(`report-check: ${f}`);
console.log(`report-check: ${Math.max(total - failed, 0)} passed, ${failed} failed`);
process.exit(failures.length ? 1 : 0);
