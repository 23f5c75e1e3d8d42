import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { after, describe, it } from "node:test";
import { URL as NodeUrl } from "node:url";
import { signDfns } from "../../src/providers/dfns/sign.js";
import { captureOf, writeCaptures } from "../helpers/captures.js";
import { BIN, type CliResult, spawnCli } from "../helpers/cli.js";
import { startHandler } from "../helpers/handler.js";
import { post } from "../helpers/listen.js";
import { startReceiver } from "../helpers/receiver.js";
import { tempDir } from "../helpers/tmp.js";

const SECRET = "whs-url-test";
const portOf = (url: string) => new NodeUrl(url).port;

/** Spawns `whtool listen --json --tunnel none --port 0 …` and resolves with its local URL once ready. */
function spawnListen(args: string[]): Promise<{ url: string; stop(): Promise<CliResult> }> {
  const child = spawn(
    process.execPath,
    [BIN, "listen", "--json", "--tunnel", "none", "--port", "0", ...args],
    {
      cwd: tempDir(),
      env: { PATH: process.env.PATH ?? "", NO_COLOR: "1", DFNS_WEBHOOK_SECRET: SECRET },
    },
  );
  after(() => child.kill("SIGKILL"));
  let stdout = "";
  let stderr = "";
  const done = new Promise<CliResult>((resolve) =>
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr, lines: [] })),
  );
  return new Promise((resolve, reject) => {
    child.stderr.on("data", (d: Buffer) => (stderr += d));
    child.stdout.on("data", (d: Buffer) => {
      stdout += d;
      const ready = stdout.split("\n").find((l) => l.includes('"type":"ready"'));
      if (ready)
        resolve({
          url: String((JSON.parse(ready) as { local: string }).local),
          stop: () => {
            child.kill("SIGINT");
            return done;
          },
        });
    });
    void done.then((r) => reject(new Error(`listen ended before it was ready (exit ${r.code}): ${stderr}`)));
  });
}

function dfnsDelivery(): { headers: [string, string][]; body: string } {
  const body = JSON.stringify({
    id: "whe-url",
    kind: "wallet.created",
    timestampSent: Math.floor(Date.now() / 1000),
  });
  return { body, headers: [["X-DFNS-WEBHOOK-SIGNATURE", signDfns(Buffer.from(body), SECRET)]] };
}

describe("URLs may leave out the scheme, in every flag that takes one (spawned)", () => {
  for (const form of ["localhost:PORT/app-hooks", ":PORT/app-hooks"]) {
    it(`listen --forward-to ${form} reaches the app`, async () => {
      const app = await startReceiver([202]);
      after(() => app.close());
      const listen = await spawnListen(["--forward-to", form.replace("PORT", portOf(app.url))]);
      const { headers, body } = dfnsDelivery();
      const answered = await post(listen.url, headers, body);
      const [forwarded] = await app.waitFor(1);
      await listen.stop();
      assert.equal(forwarded?.path, "/app-hooks");
      assert.equal(Buffer.from(forwarded?.body ?? []).toString(), body);
      assert.equal(answered.status, 202, "answered with the app's own status");
    });
  }

  it("replay --to :PORT resends the capture there", async () => {
    const app = await startReceiver([200]);
    after(() => app.close());
    const { headers, body } = dfnsDelivery();
    const dir = tempDir();
    const file = writeCaptures(dir, "c.jsonl", [captureOf("cap-1", headers, body, new Date(), "dfns")]);
    const r = await spawnCli(["replay", file, "--to", `:${portOf(app.url)}/replayed`], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(app.received[0]?.path, "/replayed");
    assert.match(r.stdout, /cap-1/, "the replay line is a result, on stdout");
  });

  it("send --to localhost:PORT posts there", async () => {
    const app = await startReceiver([200]);
    after(() => app.close());
    const r = await spawnCli([
      "send",
      "--provider",
      "dfns",
      "--to",
      `localhost:${portOf(app.url)}/s`,
      "--secret",
      SECRET,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(app.received[0]?.path, "/s");
    assert.match(r.stdout, /→ 200/);
  });

  it("check :PORT/webhooks runs the suite against the handler", async () => {
    const handler = await startHandler("examples/dfns-handler.mjs", { DFNS_WEBHOOK_SECRET: SECRET });
    after(() => handler.stop());
    const r = await spawnCli(
      ["check", `:${portOf(handler.url)}/webhooks`, "--provider", "dfns", "--secret", SECRET],
      {
        cwd: tempDir(),
      },
    );
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /cases passed/);
  });

  for (const [argv, flag] of [
    [["send", "--provider", "dfns", "--secret", "s", "--to", "ftp://example.test/x"], "--to <url>"],
    [["replay", "--to", "/just/a/path"], "--to <url>"],
    [["listen", "--forward-to", "http://"], "--forward-to <url>"],
    [["verify", "--jwks-url", "has space"], "--jwks-url <url>"],
    [["register", "--provider", "pps", "--url", "mailto:x"], "--url <url>"],
    [["check", "ftp://x", "--provider", "dfns"], "url"],
  ] as const) {
    it(`a bad URL is exit 2 naming ${flag} and the accepted forms (${argv[0]})`, async () => {
      const r = await spawnCli([...argv], { cwd: tempDir() });
      assert.equal(r.code, 2, r.stderr);
      assert.ok(r.stderr.includes(flag), r.stderr);
      assert.match(r.stderr, /localhost:3000\/webhooks or :3000\/webhooks/);
    });
  }
});
