import assert from "node:assert/strict";
import { appendFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { signDfns } from "../../src/providers/dfns/sign.js";
import { startReceiver } from "../helpers/receiver.js";
import { tempDir } from "../helpers/tmp.js";
import { jsonl, recordOf } from "./records.js";
import { type RunningInspect, rawRequest, startInspect } from "./serve.js";

const SECRET = "whs-inspector-test";
const OLD = 1_700_000_000;
const dfnsBody = `{"id":"whe-7","date":"2026-11-23T10:00:00Z","kind":"wallet.created","data":{},"timestampSent":${OLD},"deliveryAttempt":1}`;
const BINARY = Buffer.from([0xff, 0x00, 0xfe, 0x0a, 0x80]);

describe("inspector API", () => {
  const dir = tempDir();
  const file = join(dir, "captures.jsonl");
  let inspector: RunningInspect;
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(new URL(path, inspector.url), {
      method: "POST",
      headers: { origin: inspector.url.replace(/\/$/, ""), "x-whtool-token": inspector.token, ...headers },
      body: JSON.stringify(body),
    });
  const get = async (path: string) =>
    (await fetch(new URL(path, inspector.url))).json() as Promise<Record<string, unknown>>;

  before(async () => {
    writeFileSync(
      file,
      jsonl([
        recordOf("first", { dedupeKey: "whe-1", body: '{"id":"whe-1","deliveryAttempt":1}' }),
        recordOf("second", {
          dedupeKey: "whe-2",
          retryOf: "whe-1",
          verified: false,
          body: '{"id":"whe-2","deliveryAttempt":2}',
          headers: [
            ["Zeta", "1"],
            ["Alpha", "2"],
            ["X-DFNS-WEBHOOK-SIGNATURE", "sha256=00"],
          ],
        }),
        recordOf("stale", {
          provider: "dfns",
          dedupeKey: "whe-7",
          body: dfnsBody,
          headers: [
            ["Content-Type", "application/json"],
            ["X-DFNS-WEBHOOK-SIGNATURE", signDfns(Buffer.from(dfnsBody), SECRET)],
          ],
        }),
        recordOf("binary", { provider: "bracken", dedupeKey: "b-1", body: BINARY }),
      ]),
    );
    inspector = await startInspect(file, { env: { DFNS_WEBHOOK_SECRET: SECRET }, cwd: dir });
  });
  after(() => inspector.stop());

  test("the list is newest first, filtered by query parameters and paged with a cursor", async () => {
    const all = await get("/api/deliveries");
    assert.deepEqual(
      (all.items as { id: string }[]).map((s) => s.id),
      ["binary", "stale", "second", "first"],
    );
    const failed = await get("/api/deliveries?verified=false");
    assert.deepEqual(
      (failed.items as { id: string }[]).map((s) => s.id),
      ["second"],
    );
    const bracken = await get("/api/deliveries?provider=bracken");
    assert.deepEqual(
      (bracken.items as { id: string }[]).map((s) => s.id),
      ["binary"],
    );
    const page1 = await get("/api/deliveries?limit=3");
    assert.equal((page1.items as unknown[]).length, 3);
    const page2 = await get(`/api/deliveries?limit=3&before=${page1.next}`);
    assert.deepEqual(
      (page2.items as { id: string }[]).map((s) => s.id),
      ["first"],
    );
    assert.equal(page2.next, null);
  });

  test("a detail has the headers in received order, the checks, the attempts and a diff against the previous attempt", async () => {
    const d = (await get("/api/deliveries/second")) as {
      headers: [string, string][];
      verdict: { checks: { name: string; ok: boolean }[] };
      attempts: { id: string }[];
      diff: { against: string; body: { op: string; text: string }[] };
      summary: { duplicateOf: string };
    };
    assert.deepEqual(
      d.headers.map(([n]) => n),
      ["Zeta", "Alpha", "X-DFNS-WEBHOOK-SIGNATURE"],
    );
    assert.deepEqual(d.verdict.checks.at(-1), {
      name: "signature",
      ok: false,
      detail: "hmac-sha256 does not match",
    });
    assert.equal(d.summary.duplicateOf, "first");
    assert.deepEqual(
      d.attempts.map((a) => a.id),
      ["first", "second"],
    );
    assert.equal(d.diff.against, "first");
    assert.ok(d.diff.body.some((l) => l.op === "+" && l.text.includes('"whe-2"')));
    assert.ok(d.diff.body.some((l) => l.op === "-" && l.text.includes('"whe-1"')));
  });

  test("the exact body downloads byte for byte, even when it is not text", async () => {
    const response = await fetch(new URL("/api/deliveries/binary/body", inspector.url));
    assert.equal(response.headers.get("content-type"), "application/octet-stream");
    assert.match(response.headers.get("content-disposition") ?? "", /attachment/);
    assert.deepEqual(Buffer.from(await response.arrayBuffer()), BINARY);
  });

  test("every answer carries the strict Content-Security-Policy", async () => {
    for (const path of ["/", "/app.js", "/api/deliveries"]) {
      const response = await fetch(new URL(path, inspector.url));
      assert.match(
        response.headers.get("content-security-policy") ?? "",
        /default-src 'none'; script-src 'self'/,
        path,
      );
      assert.equal(response.headers.get("x-content-type-options"), "nosniff");
    }
  });

  test("a foreign Host is refused (DNS rebinding), on reads as on writes", async () => {
    const port = new URL(inspector.url).port;
    for (const method of ["GET", "POST"]) {
      const r = await rawRequest(new URL("/api/deliveries", inspector.url).href, {
        method,
        headers: { host: `attacker.example:${port}` },
      });
      assert.equal(r.status, 421, method);
      assert.doesNotMatch(r.text, /first|second/);
    }
    const own = await rawRequest(new URL("/api/deliveries", inspector.url).href, {
      headers: { host: `localhost:${port}` },
    });
    assert.equal(own.status, 200);
  });

  test("a replay needs the inspector's own Origin and its token", async () => {
    const receiver = await startReceiver();
    try {
      const cross = await post(
        "/api/deliveries/first/replay",
        { url: receiver.url },
        { origin: "http://evil.example" },
      );
      assert.equal(cross.status, 403);
      const noOrigin = await fetch(new URL("/api/deliveries/first/replay", inspector.url), {
        method: "POST",
        headers: { "x-whtool-token": inspector.token },
        body: JSON.stringify({ url: receiver.url }),
      });
      assert.equal(noOrigin.status, 403);
      const badToken = await post(
        "/api/deliveries/first/replay",
        { url: receiver.url },
        { "x-whtool-token": "0".repeat(48) },
      );
      assert.equal(badToken.status, 403);
      assert.equal(receiver.received.length, 0, "nothing was sent");
    } finally {
      await receiver.close();
    }
  });

  test("a replay URL typed without a scheme is read as every command reads one; a bad one says the forms", async () => {
    const receiver = await startReceiver([200]);
    try {
      const port = new URL(receiver.url).port;
      const response = await post("/api/deliveries/binary/replay", { url: `:${port}/hook` });
      assert.equal(response.status, 200);
      assert.equal(((await response.json()) as { status: number }).status, 200);
      const bad = await post("/api/deliveries/binary/replay", { url: "ftp://x.example.test/" });
      assert.equal(bad.status, 400);
      assert.match(await bad.text(), /ftp: is not http or https/);
    } finally {
      await receiver.close();
    }
  });

  test("replay sends the exact bytes and headers in order, and answers what the target said", async () => {
    const receiver = await startReceiver([202]);
    try {
      const response = await post("/api/deliveries/binary/replay", { url: receiver.url });
      assert.equal(response.status, 200);
      const outcome = (await response.json()) as {
        status: number;
        resigned: boolean;
        body: { text: string };
      };
      assert.equal(outcome.status, 202);
      assert.equal(outcome.resigned, false);
      assert.equal(outcome.body.text, "ok");
      const [got] = await receiver.waitFor(1);
      assert.deepEqual(got?.body, BINARY);
      assert.deepEqual(
        got?.headers.filter(([n]) => ["Content-Type", "X-Test"].includes(n)),
        [
          ["Content-Type", "application/json"],
          ["X-Test", "binary"],
        ],
      );
    } finally {
      await receiver.close();
    }
  });

  test("re-sign with a fresh timestamp: only Dfns' timestampSent and the signature change", async () => {
    const detail = (await get("/api/deliveries/stale")) as { replay: { canResign: boolean } };
    assert.equal(detail.replay.canResign, true, "whtool holds DFNS_WEBHOOK_SECRET");
    const receiver = await startReceiver();
    try {
      const response = await post("/api/deliveries/stale/replay", { url: receiver.url, resign: true });
      assert.equal(response.status, 200);
      const [got] = await receiver.waitFor(1);
      const body = Buffer.from(got?.body ?? []).toString("utf8") ?? "";
      const sent = Number(/"timestampSent":(\d+)/.exec(body)?.[1]);
      assert.ok(Math.abs(sent - Date.now() / 1000) < 60, `fresh timestamp, got ${sent}`);
      assert.equal(body.replace(/"timestampSent":\d+/, `"timestampSent":${OLD}`), dfnsBody);
      const signature = got?.headers.find(([n]) => n === "X-DFNS-WEBHOOK-SIGNATURE")?.[1];
      assert.equal(signature, signDfns(Buffer.from(body), SECRET));
    } finally {
      await receiver.close();
    }
  });

  test("re-signing is not offered, and refused, when whtool holds no secret for the provider", async () => {
    const detail = (await get("/api/deliveries/binary")) as { replay: { canResign: boolean } };
    assert.equal(detail.replay.canResign, false);
    const response = await post("/api/deliveries/binary/replay", {
      url: "http://127.0.0.1:9/x",
      resign: true,
    });
    assert.equal(response.status, 400);
    assert.match(((await response.json()) as { error: string }).error, /no secret or test key/);
  });

  test("no secret appears anywhere in what the API serves", async () => {
    const texts = await Promise.all(
      ["/api/deliveries", "/api/deliveries/stale", "/"].map(async (p) =>
        (await fetch(new URL(p, inspector.url))).text(),
      ),
    );
    for (const text of texts) assert.ok(!text.includes(SECRET));
  });

  test("GET /api/events streams each delivery appended to the capture file", async () => {
    const controller = new AbortController();
    const response = await fetch(new URL("/api/events", inspector.url), { signal: controller.signal });
    assert.equal(response.headers.get("content-type"), "text/event-stream; charset=utf-8");
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    appendFileSync(file, jsonl([recordOf("appended", { dedupeKey: "new-1" })]));
    let text = "";
    const deadline = Date.now() + 10_000;
    while (!text.includes('"id":"appended"') && Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      text += Buffer.from(value).toString("utf8");
    }
    controller.abort();
    assert.match(text, /event: delivery\ndata: \{[^\n]*"id":"appended"/);
  });
});
