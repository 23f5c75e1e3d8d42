import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { DEFAULT_MAX_HEADER_BYTES } from "../../src/adapters/listener.js";
import { parseCaptureText } from "../../src/core/capture-format.js";
import { signDfns } from "../../src/providers/dfns/sign.js";
import { post, startListen } from "../helpers/listen.js";
import { closedWithin, openSocket } from "../helpers/sockets.js";
import { tempDir } from "../helpers/tmp.js";

const SECRET = "whs-receiver-pipeline";
const ENV = { DFNS_WEBHOOK_SECRET: SECRET };

function dfnsEvent(id: string) {
  const body = JSON.stringify({
    id,
    date: new Date().toISOString(),
    kind: "wallet.created",
    data: {},
    timestampSent: Math.floor(Date.now() / 1000),
  });
  return {
    body,
    headers: [["X-DFNS-WEBHOOK-SIGNATURE", signDfns(Buffer.from(body), SECRET)]] as [string, string][],
  };
}

const under = (url: string, path: string) => url.replace(/\/webhooks$/, path);
const capturedLines = (path: string) =>
  readFileSync(path, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);

function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return Promise.race([
    promise.then(() => true),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms)),
  ]);
}

describe("the receiver pipeline", { timeout: 30_000 }, () => {
  it("regression: --respond statuses were used up by 404 and 413 answers", async () => {
    const listen = await startListen(["--no-capture", "--respond", "500,201", "--max-body", "1000"], {
      env: ENV,
    });
    const event = dfnsEvent("whe-respond");
    const offPath = await post(under(listen.url, "/elsewhere"), event.headers, event.body);
    const oversize = await post(listen.url, event.headers, "x".repeat(5000));
    const first = await post(listen.url, event.headers, event.body);
    const second = await post(listen.url, event.headers, event.body);
    await listen.stop();
    assert.deepEqual(
      [offPath.status, oversize.status, first.status, second.status],
      [404, 413, 500, 201],
      "the script's first status went to the first webhook delivery",
    );
  });

  it("regression: the oversize note was overwritten by the off-path note", async () => {
    const capture = join(tempDir(), "cap.jsonl");
    const listen = await startListen(["--capture", capture, "--max-body", "1000"], { env: ENV });
    const answer = await post(under(listen.url, "/elsewhere"), [], "x".repeat(5000));
    const result = await listen.stop();
    assert.equal(answer.status, 413);
    const line = result.lines.find((l) => l.type === "delivery");
    assert.equal(line?.arrival, "oversize");
    assert.match(String(line?.note), /5000 bytes, over the 1000-byte limit \(--max-body\): answered 413/);
    const [record] = parseCaptureText(readFileSync(capture, "utf8"), capture).records;
    assert.equal(record?.oversizeBytes, 5000);
    assert.deepEqual(record?.response, { status: 413 });
  });

  it("regression: off-path requests were verified, deduped and counted toward --exit-after", async () => {
    const capture = join(tempDir(), "cap.jsonl");
    const listen = await startListen(["--capture", capture, "--exit-after", "2", "--timeout", "20s"], {
      env: ENV,
    });
    const event = dfnsEvent("whe-offpath");
    assert.equal((await post(listen.url, event.headers, event.body)).status, 200);
    // A correctly signed copy of the same event, sent to the wrong path.
    assert.equal((await post(under(listen.url, "/wrong"), event.headers, event.body)).status, 404);
    assert.equal(await settlesWithin(listen.done, 300), false, "the off-path request counted as delivery 2");
    const other = dfnsEvent("whe-offpath-2");
    assert.equal((await post(listen.url, other.headers, other.body)).status, 200);
    const result = await listen.done;
    assert.equal(result.code, 0, result.stderr);
    const [onPath, offPath] = result.lines.filter((l) => l.type === "delivery");
    assert.equal(onPath?.verified, true);
    assert.equal(offPath?.arrival, "off-path");
    assert.equal(offPath?.verified, false, "an off-path request is not verified");
    assert.deepEqual(
      ((offPath?.checks ?? []) as { name: string }[]).map((c) => c.name),
      ["path"],
    );
    assert.equal(offPath?.duplicateOf, null, "an off-path request is not deduped");
    assert.equal(offPath?.status, 404);
    const summary = result.lines.find((l) => l.type === "summary");
    assert.deepEqual([summary?.total, summary?.failed], [2, 0]);
    // Still captured: every request that reached the listener is on file.
    assert.equal(parseCaptureText(readFileSync(capture, "utf8"), capture).records.length, 3);
  });

  it("a request refused for its header block (431) is a refused event and a capture record, not a silent drop", async () => {
    const capture = join(tempDir(), "cap.jsonl");
    const listen = await startListen(["--capture", capture], { env: ENV });
    const socket = await openSocket(listen.url);
    const received = { text: "" };
    const closed = closedWithin(socket, 5000, received);
    socket.write(
      `POST /webhooks HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${"x".repeat(DEFAULT_MAX_HEADER_BYTES)}\r\n\r\n`,
    );
    await closed;
    assert.match(received.text, /^HTTP\/1\.1 431 /);
    // The record is written after Node's own answer: wait for it before stopping.
    for (let i = 0; i < 100 && !readFileSync(capture, "utf8").includes("refused"); i++)
      await new Promise((resolve) => setTimeout(resolve, 20));
    const result = await listen.stop();
    const refused = result.lines.find((l) => l.type === "refused");
    assert.equal(refused?.status, 431);
    assert.equal(refused?.reason, `header block over ${DEFAULT_MAX_HEADER_BYTES} bytes`);
    const [record] = parseCaptureText(readFileSync(capture, "utf8"), capture).records;
    assert.equal(record?.id, refused?.id);
    assert.deepEqual(record?.refused, { status: 431, reason: refused?.reason });
    assert.deepEqual([record?.bodyBase64, record?.headers], ["", []]);
    assert.deepEqual(record?.response, { status: 431 });

    const human = await startListen(["--no-capture"], { env: ENV, json: false });
    const again = await openSocket(human.url);
    const gone = closedWithin(again, 5000);
    again.write("NOT HTTP AT ALL\r\n\r\n");
    await gone;
    await new Promise((resolve) => setTimeout(resolve, 50));
    const text = await human.stop();
    assert.match(text.stdout, /refused from 127\.0\.0\.1 {2}unreadable request \(HPE_[A-Z_]+\) {2}→ 400/);
  });

  it("answers GET with the listening page and records nothing", async () => {
    const capture = join(tempDir(), "cap.jsonl");
    const listen = await startListen(["--capture", capture], { env: ENV });
    const page = await fetch(listen.url);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /whtool is listening: POST webhooks to \/webhooks/);
    const result = await listen.stop();
    assert.equal(result.lines.filter((l) => l.type === "delivery").length, 0);
    assert.deepEqual(capturedLines(capture), []);
  });
});
