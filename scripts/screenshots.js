#!/usr/bin/env node
// Takes the README's inspector screenshots (docs/inspector-list.png, docs/inspector-detail.png):
// a listener with a few deliveries from the providers' signing twins, shown in Debian's Chromium.
// Usage: npm run build && node scripts/screenshots.js
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { run } from "../dist/src/main.js";
import { signedDfnsDelivery } from "../dist/src/providers/dfns/outbound.js";
import { OUTBOUND } from "../dist/src/providers/outbound.js";

const env = {
  DFNS_WEBHOOK_SECRET: "whs-demo",
  BRACKEN_WEBHOOK_SECRET: "bracken-demo",
  KOPOKOPO_API_KEY: "k2-demo",
};
const cwd = mkdtempSync(join(tmpdir(), "whtool-shots-"));
const controller = new AbortController();
let ready;
const started = new Promise((resolve) => (ready = resolve));
const write = (s) => {
  for (const line of s.split("\n")) if (line.includes('"type":"ready"')) ready(JSON.parse(line));
};
const done = run(["listen", "--json", "--tunnel", "none", "--port", "0", "--inspect-port", "0"], {
  env,
  cwd,
  stdout: { write },
  stderr: { write: () => {} },
  stdin: process.stdin,
  now: () => new Date(),
  fetch: globalThis.fetch,
  signal: controller.signal,
});
const { local, inspector } = await started;
const send = (d) => fetch(local, { method: "POST", headers: d.headers, body: d.body });
const now = Math.floor(Date.now() / 1000);
const secrets = {
  dfns: env.DFNS_WEBHOOK_SECRET,
  bracken: env.BRACKEN_WEBHOOK_SECRET,
  kopokopo: env.KOPOKOPO_API_KEY,
};
for (const [provider, event] of [
  ["bracken", "User_Create"],
  ["kopokopo", "buygoods_transaction_received"],
  ["dfns", "wallet.created"],
]) {
  const outbound = await OUTBOUND[provider]();
  await send(await outbound.build(event, { secret: secrets[provider] }, new Date()));
}
const payload = (id, attempt, retryOf) => ({
  id,
  date: new Date().toISOString(),
  kind: "wallet.transfer.confirmed",
  data: { transferRequest: { id: "xfr-1", status: "Confirmed", amount: "1000" } },
  timestampSent: now - (attempt === 1 ? 700 : 0),
  deliveryAttempt: attempt,
  ...(retryOf ? { retryOf } : {}),
});
await send(signedDfnsDelivery(payload("whe-01JD2K7", 1), "whs-demo"));
await send(signedDfnsDelivery(payload("whe-01JD2K8", 2, "whe-01JD2K7"), "whs-demo"));
await send(signedDfnsDelivery(payload("whe-01JD2K9", 1), "whs-rotated-elsewhere"));

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 760 } });
await page.goto(inspector);
await page.locator("#list tbody tr").nth(5).waitFor();
await page.screenshot({ path: "docs/inspector-list.png" });
await page.setViewportSize({ width: 1280, height: 1500 });
await page.locator("#list tbody tr", { hasText: "retry" }).first().click();
await page.locator("#detail pre.diff").first().waitFor();
await page.screenshot({ path: "docs/inspector-detail.png" });
await browser.close();
controller.abort("SIGINT");
await done;
