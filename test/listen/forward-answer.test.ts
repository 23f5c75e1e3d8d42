import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { parseCaptureText } from "../../src/core/capture-format.js";
import { signDfns } from "../../src/providers/dfns/sign.js";
import { runCli } from "../helpers/cli.js";
import { post, startListen } from "../helpers/listen.js";
import { tempDir } from "../helpers/tmp.js";

const SECRET = "whs-forward-answer";
const ENV = { DFNS_WEBHOOK_SECRET: SECRET };

/** The user's app: answers 422 with a two-line body and a header of its own. */
async function app(): Promise<string> {
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () =>
      res.writeHead(422, { "X-App": "demo" }).end('{"error":"order 7 unknown"}\nsecond line\n'),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
}

function dfnsEvent(id: string) {
  const body = JSON.stringify({ id, kind: "wallet.created", timestampSent: Math.floor(Date.now() / 1000) });
  return {
    body,
    headers: [["X-DFNS-WEBHOOK-SIGNATURE", signDfns(Buffer.from(body), SECRET)]] as [string, string][],
  };
}

describe("what the forward target answered", { timeout: 30_000 }, () => {
  it("regression: a forwarded delivery was captured with response: null and what was answered never recorded", async () => {
    const capture = join(tempDir(), "cap.jsonl");
    const listen = await startListen(["--capture", capture, "--forward-to", await app()], { env: ENV });
    const { body, headers } = dfnsEvent("whe-fw-record");
    assert.equal((await post(listen.url, headers, body)).status, 422);
    const result = await listen.stop();

    const lines = readFileSync(capture, "utf8").split("\n").filter(Boolean);
    assert.equal(lines.length, 2, "the delivery, then its follow-up");
    const delivery = JSON.parse(lines[0] ?? "{}") as Record<string, unknown>;
    const followUp = JSON.parse(lines[1] ?? "{}") as {
      followUp: string;
      forward: {
        status: number;
        headers: [string, string][];
        bodyBase64: string;
        bodyBytes: number;
        durationMs: number;
      };
      response: { status: number };
    };
    assert.equal(delivery.response, null, "captured before forwarding: the answer was not known yet");
    assert.equal(followUp.followUp, delivery.id);
    assert.equal(followUp.forward.status, 422);
    assert.ok(followUp.forward.headers.some(([n, v]) => n.toLowerCase() === "x-app" && v === "demo"));
    assert.equal(
      Buffer.from(followUp.forward.bodyBase64, "base64").toString(),
      '{"error":"order 7 unknown"}\nsecond line\n',
    );
    assert.equal(typeof followUp.forward.durationMs, "number");
    assert.deepEqual(followUp.response, { status: 422 }, "what the sender was answered");
    // Readers of deliveries see one delivery, and no warning about the follow-up line.
    const parsed = parseCaptureText(readFileSync(capture, "utf8"), capture);
    assert.deepEqual([parsed.records.length, parsed.warnings], [1, []]);
    const verified = await runCli(["verify", capture, "--json"], { env: ENV });
    assert.equal(verified.code, 0, verified.stderr);
    assert.equal(verified.lines.length, 1, "the streaming reader skips the follow-up too");
    assert.doesNotMatch(verified.stderr, /warning/);

    const types = result.lines.map((l) => l.type).filter((t) => t === "delivery" || t === "forward");
    assert.deepEqual(types, ["delivery", "forward"], "the forward line follows its delivery");
    const forward = result.lines.find((l) => l.type === "forward");
    assert.equal(forward?.firstLine, '{"error":"order 7 unknown"}');
    assert.equal(forward?.id, delivery.id);
  });

  it("regression: the forward line printed above its delivery; it now follows it, with the app's status, time and first body line", async () => {
    const listen = await startListen(["--no-capture", "--forward-to", await app()], {
      env: ENV,
      json: false,
    });
    const { body, headers } = dfnsEvent("whe-fw-human");
    await post(listen.url, headers, body);
    const { stdout } = await listen.stop();
    const headline = stdout.search(/dfns {2}wallet\.created {2}✓ verified {2}→ 422/);
    const forward = stdout.search(
      /↪ forwarded to http:\/\/127\.0\.0\.1:\d+\/hooks: 422 \d+ ms {2}\{"error":"order 7 unknown"\}\n/,
    );
    assert.ok(headline >= 0, stdout);
    assert.ok(forward > headline, `forward line not under its delivery:\n${stdout}`);
    assert.doesNotMatch(stdout, /second line/);
  });

  it("replay prints the app's status, time and the first line of its body, under each delivery", async () => {
    const dir = tempDir();
    const capture = join(dir, "cap.jsonl");
    const listen = await startListen(["--capture", capture], { env: ENV });
    for (const id of ["whe-r1", "whe-r2"]) {
      const { body, headers } = dfnsEvent(id);
      await post(listen.url, headers, body);
    }
    await listen.stop();
    const target = await app();
    const human = await runCli(["replay", capture, "--to", target], { env: { NO_COLOR: "1" } });
    const rows = human.stdout.split("\n").filter((l) => l.startsWith("d_"));
    assert.equal(rows.length, 2, human.stdout);
    for (const row of rows) assert.match(row, /^d_\w+ dfns → 422 \d+ ms {2}\{"error":"order 7 unknown"\}$/);
    const json = await runCli(["replay", capture, "--to", target, "--json"]);
    assert.deepEqual(
      json.lines.map((l) => [l.status, l.firstLine]),
      [
        [422, '{"error":"order 7 unknown"}'],
        [422, '{"error":"order 7 unknown"}'],
      ],
    );
  });
});
