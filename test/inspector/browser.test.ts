import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { type Browser, chromium, type Page } from "playwright-core";
import { signedDfnsDelivery } from "../../src/providers/dfns/outbound.js";
import { post } from "../helpers/listen.js";
import { startReceiver } from "../helpers/receiver.js";
import { tempDir } from "../helpers/tmp.js";
import { deliveryIdFor, type RunningListenInspector, startListenInspector } from "./serve.js";

const CHROMIUM = "/usr/bin/chromium";
const SECRET = "whs-browser-test";
// The inspector is on 127.0.0.1; this name resolves there too, as a DNS-rebinding attacker's would.
const REBIND_HOST = "rebind.test";

/**
 * The page's window, for functions run in the page (functions, not strings: the inspector's CSP
 * forbids eval). Typed by hand, as the suite compiles without the DOM's types.
 */
type Row = { textContent: string | null };
type InPage = { document: { querySelectorAll(s: string): ArrayLike<Row> & Iterable<Row> } };

function dfns(id: string, kind = "wallet.created", secret = SECRET) {
  return signedDfnsDelivery(
    {
      id,
      date: new Date().toISOString(),
      kind,
      data: {},
      timestampSent: Math.floor(Date.now() / 1000),
      deliveryAttempt: 1,
    },
    secret,
  );
}

describe("the inspector in a real browser (Chromium)", { timeout: 120_000 }, () => {
  let browser: Browser;
  let page: Page;
  let listen: RunningListenInspector;

  before(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(
        `${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium; .ci/run does) to run the browser tests`,
      );
    const dir = tempDir();
    listen = await startListenInspector(["--inspect-port", "0", "--capture", join(dir, "captures.jsonl")], {
      env: { DFNS_WEBHOOK_SECRET: SECRET },
      cwd: dir,
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        `--host-resolver-rules=MAP ${REBIND_HOST} 127.0.0.1`,
      ],
      timeout: 60_000,
    });
    page = await browser.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(listen.inspector);
    await page.locator("#live.on").waitFor();
  });
  /** Clicks a delivery's row and waits until the detail shows that delivery (it loads after the click). */
  async function open(id: string) {
    await page.locator(`#list tr[data-id="${id}"]`).click();
    await page.locator(`#detail[data-id="${id}"]`).waitFor();
  }
  after(async () => {
    await browser?.close();
    await listen?.stop();
  });

  test("a delivery sent to listen appears in the list without a reload", async () => {
    // Page-side code is given as strings: the suite compiles without the DOM's types.
    await page.evaluate("window.notReloaded = true");
    const d = dfns("whe-live-1", "wallet.transfer.confirmed");
    assert.equal((await post(listen.webhook, d.headers as [string, string][], d.body)).status, 200);
    const row = page.locator("#list tbody tr", { hasText: "wallet.transfer.confirmed" });
    await row.waitFor();
    assert.match(await row.innerText(), /verified/);
    assert.equal(await page.evaluate("window.notReloaded"), true);
  });

  test("the detail shows every header in received order, the body and the failing check", async () => {
    const d = dfns("whe-bad-1", "wallet.signature.failed", "whs-some-other-secret");
    const headers: [string, string][] = [
      ["X-Zulu", "first"],
      ...(d.headers as [string, string][]),
      ["X-Alpha", "last"],
    ];
    assert.equal((await post(listen.webhook, headers, d.body)).status, 401);
    const id = await deliveryIdFor(listen.inspector, "whe-bad-1");
    await open(id);
    const names = await page.locator("#detail table.headers th").allInnerTexts();
    const sent = names.filter((n) =>
      ["X-Zulu", "Content-Type", "X-DFNS-WEBHOOK-SIGNATURE", "X-Alpha"].includes(n),
    );
    assert.deepEqual(sent, ["X-Zulu", "Content-Type", "X-DFNS-WEBHOOK-SIGNATURE", "X-Alpha"]);
    assert.match(await page.locator("#detail pre.body").first().innerText(), /"id": "whe-bad-1"/);
    const failing = page.locator("#detail ol.checks li.bad");
    assert.equal(await failing.count(), 1);
    assert.match(await failing.innerText(), /signature/);
  });

  test("Replay delivers the exact bytes to a local receiver and shows its answer", async () => {
    const receiver = await startReceiver([299]);
    try {
      const d = dfns("whe-replay-1", "wallet.exported");
      await post(listen.webhook, d.headers as [string, string][], d.body);
      const id = await deliveryIdFor(listen.inspector, "whe-replay-1");
      await open(id);
      await page.locator("#replay-url").fill(receiver.url);
      await page.locator("#replay").click();
      await page.locator("#replay-result table.replay-answer", { hasText: "299" }).waitFor();
      const [got] = await receiver.waitFor(1);
      assert.deepEqual(Buffer.from(got?.body ?? []), Buffer.from(d.body));
      assert.equal(got?.headers.find(([n]) => n === "X-DFNS-WEBHOOK-SIGNATURE")?.[1], d.headers[1]?.[1]);
    } finally {
      await receiver.close();
    }
  });

  test("a payload holding <script> and onerror= markup runs nothing and shows as text", async () => {
    const evil = `{"id":"whe-xss-1","kind":"<img src=x onerror=\\"window.pwned=1\\">","note":"<script>window.pwned=2</script>"}`;
    const headers: [string, string][] = [
      ["Content-Type", "application/json"],
      ["X-Evil", "<img src=x onerror=window.pwned=3><svg onload=window.pwned=4>"],
      ["X-DFNS-WEBHOOK-SIGNATURE", "sha256=<script>window.pwned=5</script>"],
    ];
    await post(listen.webhook, headers, evil);
    const id = await deliveryIdFor(listen.inspector, "whe-xss-1");
    await open(id);
    assert.equal(await page.evaluate("window.pwned"), undefined);
    assert.equal(
      await page.locator("#detail img, #detail script, #detail svg, #list img, #list svg").count(),
      0,
    );
    assert.match(await page.locator("#detail").innerText(), /<img src=x onerror=window\.pwned=3>/);
    assert.match(
      await page.locator("#detail pre.body").first().innerText(),
      /<script>window\.pwned=2<\/script>/,
    );
  });

  test("a cross-origin POST and a foreign Host are refused", async () => {
    const receiver = await startReceiver();
    const attacker: Server = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/html" }).end("<!doctype html><title>elsewhere</title>");
    });
    await new Promise<void>((r) => attacker.listen(0, "127.0.0.1", r));
    const other = await browser.newPage();
    try {
      const d = dfns("whe-csrf-1");
      await post(listen.webhook, d.headers as [string, string][], d.body);
      const id = await deliveryIdFor(listen.inspector, "whe-csrf-1");
      const token = await page.locator('meta[name="whtool-token"]').getAttribute("content");
      await other.goto(`http://127.0.0.1:${(attacker.address() as AddressInfo).port}/`);
      const target = `${listen.inspector}api/deliveries/${id}/replay`;
      // A form-like "simple" request the browser sends without asking, and one even holding the token.
      const outcomes = await other.evaluate(
        async ([url, body, leaked]) => {
          const simple = await fetch(url, { method: "POST", mode: "no-cors", body }).then(
            () => "sent",
            () => "blocked",
          );
          const withToken = await fetch(url, {
            method: "POST",
            headers: { "content-type": "application/json", "x-whtool-token": leaked },
            body,
          }).then(
            (r) => String(r.status),
            () => "blocked",
          );
          return { simple, withToken };
        },
        [target, JSON.stringify({ url: receiver.url }), token ?? ""] as const,
      );
      assert.equal(outcomes.withToken, "blocked", "the preflight is refused, so the browser never sends it");
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(receiver.received.length, 0, "no replay happened");

      const port = new URL(listen.inspector).port;
      const rebound = await other.goto(`http://${REBIND_HOST}:${port}/api/deliveries`);
      assert.equal(rebound?.status(), 421);
      assert.doesNotMatch(await other.content(), /whe-csrf-1/);
    } finally {
      await other.close();
      await receiver.close();
      await new Promise<void>((r) => attacker.close(() => r()));
    }
  });

  test("filters narrow the list", async () => {
    await page.reload();
    await page.locator("#list tbody tr").first().waitFor();
    const rows = page.locator("#list tbody tr");
    const all = await rows.count();
    assert.ok(all >= 5, `rows: ${all}`);
    await page.locator("#f-verified").selectOption("false");
    await page.waitForFunction(() =>
      [...(globalThis as unknown as InPage).document.querySelectorAll("#list tbody tr")].every(
        (r) => !r.textContent?.includes("verified"),
      ),
    );
    const failed = await rows.count();
    assert.ok(failed > 0 && failed < all);
    await page.locator("#f-verified").selectOption("");
    await page.locator("#f-q").fill("wallet.exported");
    await page.waitForFunction((wanted) => {
      const shown = [...(globalThis as unknown as InPage).document.querySelectorAll("#list tbody tr")];
      return shown.length === 1 && shown.every((r) => r.textContent?.includes(wanted));
    }, "wallet.exported");
    await page.locator("#f-q").fill("");
    await page.locator("#f-event").selectOption("wallet.transfer.confirmed");
    await page.waitForFunction((wanted) => {
      const shown = [...(globalThis as unknown as InPage).document.querySelectorAll("#list tbody tr")];
      return shown.length === 1 && shown.every((r) => r.textContent?.includes(wanted));
    }, "wallet.transfer.confirmed");
  });
});
