import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { describe, test } from "node:test";
import { parseCaptureText } from "../../src/core/capture-format.js";
import { moneykitHeaders, signMoneyKit } from "../../src/providers/moneykit/sign.js";
import { generateSigningKey, jwksOf } from "../../src/providers/signing-key.js";
import { post, startListen } from "../helpers/listen.js";
import { tempDir } from "../helpers/tmp.js";
import { dfnsEvent, dfnsHeaders, python, SECRET } from "./mistakes.js";
import { startExpressRelay, startProxy } from "./relays.js";

interface Line {
  type: string;
  verified: boolean;
  reason: string | null;
  diagnosis: { code: string; detail: string }[];
}

const nowS = () => Math.floor(Date.now() / 1000);
const deliveryLines = (lines: Record<string, unknown>[]) =>
  lines.filter((l) => l.type === "delivery") as unknown as Line[];

describe("listen explains deliveries a relay broke, in its events and its capture", () => {
  test("body_reserialised: an Express app with express.json() re-serialised a Python-written body", async () => {
    const dir = tempDir();
    const capture = join(dir, "cap.jsonl");
    const listen = await startListen(["--provider", "dfns", "--capture", capture], {
      env: { DFNS_WEBHOOK_SECRET: SECRET },
      cwd: dir,
    });
    const relay = await startExpressRelay(listen.url);
    // The provider writes its JSON the way Python's json.dumps does by default.
    const original = python(
      "import json,sys; sys.stdout.write(json.dumps(json.load(sys.stdin)))",
      Buffer.from(JSON.stringify(dfnsEvent(nowS()))),
    );
    assert.equal((await post(relay, [...dfnsHeaders(original)] as [string, string][], original)).status, 401);
    const result = await listen.stop();
    const [line] = deliveryLines(result.lines);
    assert.equal(line?.reason, "signature_mismatch");
    assert.deepEqual(
      line?.diagnosis.map((d) => d.code),
      ["body_reserialised"],
    );
    assert.match(line?.diagnosis[0]?.detail ?? "", /Python-style/);
    const { records } = parseCaptureText(readFileSync(capture, "utf8"), capture);
    const verdict = records[0]?.verdict as { diagnosis?: { code: string }[] };
    assert.deepEqual(
      verdict.diagnosis?.map((d) => d.code),
      ["body_reserialised"],
    );
  });

  test("body_whitespace: a proxy added a newline to a MoneyKit body (its hash covers the exact bytes)", async () => {
    const dir = tempDir();
    const key = await generateSigningKey("ES256", "mk-doc");
    writeFileSync(join(dir, "jwks.json"), JSON.stringify(jwksOf([key])));
    const listen = await startListen(["--provider", "moneykit", "--jwks-file", "jwks.json", "--no-capture"], {
      cwd: dir,
    });
    const proxy = await startProxy(listen.url, (body, headers) => ({
      body: Buffer.concat([body, Buffer.from("\n")]),
      headers,
    }));
    const body = Buffer.from(
      JSON.stringify({
        webhook_event: "link.state_changed",
        webhook_idempotency_key: "i-1",
        link_id: "mk_1",
      }),
    );
    const jwt = await signMoneyKit(body, key, { iat: nowS() });
    await post(proxy, moneykitHeaders(jwt, "dt_1", 1) as [string, string][], body);
    const [line] = deliveryLines((await listen.stop()).lines);
    assert.equal(line?.reason, "body_hash_mismatch");
    assert.deepEqual(
      line?.diagnosis.map((d) => d.code),
      ["body_whitespace"],
    );
    assert.match(line?.diagnosis[0]?.detail ?? "", /trailing whitespace removed/);
  });

  test("header_combined: a node:http proxy merged two signature headers", async () => {
    const listen = await startListen(["--provider", "dfns", "--no-capture"], {
      env: { DFNS_WEBHOOK_SECRET: SECRET },
    });
    const proxy = await startProxy(listen.url, (body, headers) => ({ body, headers }));
    const body = Buffer.from(JSON.stringify(dfnsEvent(nowS())));
    const valid = dfnsHeaders(body)[1]?.[1] ?? "";
    const stale = dfnsHeaders(body, "rotated-away")[1]?.[1] ?? "";
    await new Promise<void>((resolve, reject) => {
      // Two X-DFNS-WEBHOOK-SIGNATURE lines on the wire (an array value), as a sender mid-rotation might send.
      const req = request(
        proxy,
        {
          method: "POST",
          headers: { "Content-Type": "application/json", "X-DFNS-WEBHOOK-SIGNATURE": [stale, valid] },
        },
        (res) => res.resume().on("end", resolve),
      );
      req.on("error", reject);
      req.end(body);
    });
    const result = await listen.stop();
    const [line] = deliveryLines(result.lines);
    assert.equal(line?.reason, "malformed_header", result.stdout + result.stderr);
    assert.deepEqual(
      line?.diagnosis.map((d) => d.code),
      ["header_combined"],
    );
  });

  test("human listen output prints the why/fix lines", async () => {
    const listen = await startListen(["--provider", "dfns", "--no-capture"], {
      env: { DFNS_WEBHOOK_SECRET: `${SECRET}\n`, NO_COLOR: "1" },
      json: false,
    });
    const body = Buffer.from(JSON.stringify(dfnsEvent(nowS())));
    await post(listen.url, [...dfnsHeaders(body)] as [string, string][], body);
    const { stdout } = await listen.stop();
    assert.match(stdout, /why: the signature matches DFNS_WEBHOOK_SECRET with a newline trimmed off/);
    assert.match(stdout, /fix: remove the whitespace/);
  });
});
