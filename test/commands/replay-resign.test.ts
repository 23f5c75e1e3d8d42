import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { signDfns } from "../../src/providers/dfns/sign.js";
import { moneykitHeaders, signMoneyKit } from "../../src/providers/moneykit/sign.js";
import { generateSigningKey } from "../../src/providers/signing-key.js";
import { captureOf, writeCaptures } from "../helpers/captures.js";
import { runCli } from "../helpers/cli.js";
import { closedPort } from "../helpers/http-server.js";
import { startListen } from "../helpers/listen.js";
import { tempDir } from "../helpers/tmp.js";

const SECRET = "whs-replay-resign";
const HOUR_AGO = new Date(Date.now() - 3_600_000);

function staleDfnsCapture(dir: string): string {
  const body = JSON.stringify({
    id: "whe-stale",
    date: HOUR_AGO.toISOString(),
    kind: "wallet.created",
    data: { wallet: { id: "wa-1" } },
    timestampSent: Math.floor(HOUR_AGO.getTime() / 1000),
    deliveryAttempt: 1,
  });
  const record = captureOf(
    "d_stale",
    [
      ["Content-Type", "application/json"],
      ["X-Trace", "kept"],
      ["X-DFNS-WEBHOOK-SIGNATURE", signDfns(Buffer.from(body), SECRET)],
    ],
    body,
    HOUR_AGO,
    "dfns",
  );
  return writeCaptures(dir, "old.jsonl", [record]);
}

describe("replay --resign", () => {
  test("regression: a Dfns capture an hour old was rightly refused; --resign sends it with a fresh timestampSent and signature", async () => {
    const dir = tempDir();
    const capture = staleDfnsCapture(dir);
    const target = await startListen(["--provider", "dfns", "--no-capture"], {
      env: { DFNS_WEBHOOK_SECRET: SECRET },
    });
    const plain = await runCli(["replay", capture, "--to", target.url], { cwd: dir });
    assert.equal(plain.code, 1, "the exact old bytes are outside Dfns' 300 s window");
    const resent = await runCli(["replay", capture, "--to", target.url, "--resign"], {
      cwd: dir,
      env: { DFNS_WEBHOOK_SECRET: SECRET },
    });
    assert.equal(resent.code, 0, resent.stderr);
    const result = await target.stop();
    const [stale, fresh] = result.lines.filter((l) => l.type === "delivery");
    assert.equal(stale?.reason, "timestamp_outside_window");
    assert.equal(fresh?.verified, true, JSON.stringify(fresh?.checks));
    assert.equal(fresh?.event, "wallet.created");
  });

  test("a MoneyKit capture is re-signed with whtool's test key, served on --key-port for the handler to trust", async () => {
    const dir = tempDir();
    const port = await closedPort();
    const stranger = await generateSigningKey("ES256", "someone-elses-key");
    const body = JSON.stringify({ event: "link.state_changed", link_id: "mk_1", state: "connected" });
    const iat = Math.floor(HOUR_AGO.getTime() / 1000);
    const signature = await signMoneyKit(Buffer.from(body), stranger, { iat });
    const capture = writeCaptures(dir, "mk.jsonl", [
      captureOf("d_mk", moneykitHeaders(signature, "tok-1", 1), body, HOUR_AGO, "moneykit"),
    ]);
    const target = await startListen(["--provider", "moneykit", "--no-capture"], {
      env: { MONEYKIT_API_URL: `http://127.0.0.1:${port}` },
      cwd: dir,
    });
    const resent = await runCli(
      ["replay", capture, "--to", target.url, "--resign", "--key-port", String(port)],
      {
        cwd: dir,
      },
    );
    assert.equal(resent.code, 0, resent.stderr);
    assert.match(resent.stderr, new RegExp(`MONEYKIT_API_URL=http://127\\.0\\.0\\.1:${port}`));
    const result = await target.stop();
    const delivery = result.lines.find((l) => l.type === "delivery");
    assert.equal(delivery?.verified, true, JSON.stringify(delivery?.checks));
  });

  test("with no secret to sign with it says which variable to set (exit 3)", async () => {
    const dir = tempDir();
    const capture = staleDfnsCapture(dir);
    const result = await runCli(["replay", capture, "--to", "http://127.0.0.1:9/", "--resign"], { cwd: dir });
    assert.equal(result.code, 3);
    assert.match(result.stderr, /DFNS_WEBHOOK_SECRET/);
  });
});
