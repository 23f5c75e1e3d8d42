import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { DEFAULT_MAX_HEADER_BYTES, type Refusal, startListener } from "../../src/adapters/listener.js";
import { parseCaptureText } from "../../src/core/capture-format.js";
import { signDfns } from "../../src/providers/dfns/sign.js";
import { postRaw, startListen } from "../helpers/listen.js";
import { closedWithin, openSocket } from "../helpers/sockets.js";
import { tempDir } from "../helpers/tmp.js";

const SECRET = "whs-many-headers";
const padding = (count: number): [string, string][] =>
  Array.from({ length: count }, (_, i): [string, string] => [`X-Pad-${String(i).padStart(4, "0")}`, "v"]);

describe("listener headers: every one kept, or the request refused out loud", () => {
  it("regression: a signature header after the 1,000th was dropped (401); 1,500 headers now verify and are all captured", async () => {
    const dir = tempDir();
    const capture = join(dir, "cap.jsonl");
    const listen = await startListen(["--capture", capture, "--provider", "dfns"], {
      env: { DFNS_WEBHOOK_SECRET: SECRET },
    });
    const body = JSON.stringify({
      id: "whe-many",
      kind: "wallet.created",
      date: new Date().toISOString(),
      data: {},
      timestampSent: Math.floor(Date.now() / 1000),
    });
    const headers: [string, string][] = [
      ["Content-Type", "application/json"],
      ...padding(1500),
      ["X-DFNS-WEBHOOK-SIGNATURE", signDfns(Buffer.from(body), SECRET)],
    ];
    const status = await postRaw(listen.url, headers, body);
    const result = await listen.stop();
    assert.equal(status, 200, result.stdout);
    assert.equal(result.lines.find((line) => line.type === "delivery")?.verified, true);
    const [record] = parseCaptureText(readFileSync(capture, "utf8"), capture).records;
    const names = (record?.headers ?? []).map(([name]) => name);
    assert.equal(names.filter((name) => name.startsWith("X-Pad-")).length, 1500);
    // node:http adds Host, Content-Length and Connection after the headers given.
    assert.equal(names[names.indexOf("X-Pad-1499") + 1], "X-DFNS-WEBHOOK-SIGNATURE", "in the order sent");
  });

  it("a header block over the size bound is answered 431 and reported, not handed on", async () => {
    const refusals: Refusal[] = [];
    let handled = 0;
    const listener = await startListener(
      {
        host: "127.0.0.1",
        port: 0,
        maxBody: 1024,
        now: () => new Date(),
        onRefused: (refusal) => refusals.push(refusal),
      },
      async () => {
        handled++;
        return { status: 200 };
      },
    );
    try {
      const socket = await openSocket(listener.url);
      const received = { text: "" };
      const closed = closedWithin(socket, 2000, received);
      const big = "x".repeat(DEFAULT_MAX_HEADER_BYTES);
      socket.write(
        `POST /webhooks HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${big}\r\nContent-Length: 0\r\n\r\n`,
      );
      await closed;
      assert.match(received.text, /^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
      assert.equal(handled, 0);
      assert.equal(refusals.length, 1);
      assert.equal(refusals[0]?.status, 431);
      assert.equal(refusals[0]?.reason, `header block over ${DEFAULT_MAX_HEADER_BYTES} bytes`);
      assert.equal(refusals[0]?.remote, "127.0.0.1");
    } finally {
      await listener.close();
    }
  });

  it("a malformed request is answered 400 and reported; a silent socket's timeout is not reported", async () => {
    const refusals: Refusal[] = [];
    const listener = await startListener(
      {
        host: "127.0.0.1",
        port: 0,
        maxBody: 1024,
        now: () => new Date(),
        limits: { idleMs: 200 },
        onRefused: (refusal) => refusals.push(refusal),
      },
      async () => ({ status: 200 }),
    );
    try {
      const bad = await openSocket(listener.url);
      const received = { text: "" };
      const closed = closedWithin(bad, 2000, received);
      bad.write("NOT HTTP AT ALL\r\n\r\n");
      await closed;
      assert.match(received.text, /^HTTP\/1\.1 400 Bad Request\r\n/);
      const silent = await openSocket(listener.url);
      await closedWithin(silent, 2000);
      assert.deepEqual(
        refusals.map((r) => r.status),
        [400],
      );
    } finally {
      await listener.close();
    }
  });
});
