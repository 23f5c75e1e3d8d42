import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { PROVIDERS } from "../../src/providers/index.js";
import { HMAC_CAPTURES, HMAC_ENV } from "../helpers/captures.js";
import { runCli } from "../helpers/cli.js";
import { closedPort } from "../helpers/http-server.js";
import { startReceiver } from "../helpers/receiver.js";
import { tempDir } from "../helpers/tmp.js";

describe("whtool replay", () => {
  it("resends every captured delivery with its exact bytes and headers, in order", async () => {
    const target = await startReceiver([200]);
    after(() => target.close());
    const r = await runCli(["replay", HMAC_CAPTURES, "--to", target.url, "--json"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.lines.length, 5);
    const captured = readFileSync(HMAC_CAPTURES, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { bodyBase64: string; headers: [string, string][] });
    for (const [i, got] of target.received.entries()) {
      assert.equal(Buffer.from(got.body).toString("base64"), captured[i]?.bodyBase64);
      const sent = (captured[i]?.headers ?? []).filter(
        ([n]) => !["host", "content-length"].includes(n.toLowerCase()),
      );
      for (const [name, value] of sent)
        assert.ok(
          got.headers.some(([n, v]) => n === name && v === value),
          `${name} kept as is`,
        );
    }
    // The replayed Kopo Kopo vector still verifies: the bytes did not change on the way.
    const k2 = target.received[3];
    assert.ok(k2);
    const verdict = await PROVIDERS.kopokopo.verify(k2, {
      at: new Date(),
      secrets: [HMAC_ENV.KOPOKOPO_API_KEY],
    });
    assert.equal(verdict.verified, true);
  });

  it("--id and --provider pick deliveries; a truncated tail is skipped with a warning", async () => {
    const target = await startReceiver([202]);
    after(() => target.close());
    const dir = tempDir();
    const file = join(dir, "c.jsonl");
    writeFileSync(file, `${readFileSync(HMAC_CAPTURES, "utf8")}{"v":1,"id":"cut`);
    const byId = await runCli(["replay", file, "--to", target.url, "--id", "cap-bracken-1", "--json"]);
    assert.equal(byId.code, 0);
    assert.deepEqual(
      byId.lines.map((l) => l.id),
      ["cap-bracken-1"],
    );
    assert.match(byId.stderr, /last line is truncated/);
    const dfns = await runCli(["replay", file, "--to", target.url, "--provider", "dfns", "--json"]);
    assert.deepEqual(
      dfns.lines.map((l) => l.id),
      ["cap-dfns-1", "cap-dfns-2", "cap-dfns-stale"],
    );
  });

  it("exits 1 when the target refuses one, 4 when nothing answers, 2 for an unknown id", async () => {
    const target = await startReceiver([200, 401]);
    after(() => target.close());
    assert.equal((await runCli(["replay", HMAC_CAPTURES, "--to", target.url])).code, 1);
    const port = await closedPort();
    assert.equal((await runCli(["replay", HMAC_CAPTURES, "--to", `http://127.0.0.1:${port}/`])).code, 4);
    assert.equal((await runCli(["replay", HMAC_CAPTURES, "--to", target.url, "--id", "nope"])).code, 2);
  });
});
