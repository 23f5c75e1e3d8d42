import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import type { ProviderId } from "../../src/core/provider-id.js";
import { startDfnsEmulator } from "../../src/providers/dfns/emulator.js";
import { PROVIDERS } from "../../src/providers/index.js";
import { track } from "../helpers/api.js";
import { BIN, runCli } from "../helpers/cli.js";
import { startHandler } from "../helpers/handler.js";
import { closedPort } from "../helpers/http-server.js";
import { post, startListen } from "../helpers/listen.js";
import { startReceiver } from "../helpers/receiver.js";
import { tempDir } from "../helpers/tmp.js";

const SECRETS: Partial<Record<ProviderId, string>> = {
  dfns: "whs-send",
  bracken: "br-send",
  kopokopo: "k2-send",
};
const ENV = {
  DFNS_WEBHOOK_SECRET: "whs-send",
  BRACKEN_WEBHOOK_SECRET: "br-send",
  KOPOKOPO_API_KEY: "k2-send",
};

describe("whtool send → whtool verify, every provider and every sample event", () => {
  for (const provider of ["moneykit", "dfns", "bracken", "kopokopo", "pps"] as const) {
    it(provider, async () => {
      const dir = tempDir();
      const capture = join(dir, "cap.jsonl");
      const receiver = await startReceiver([200]);
      after(() => receiver.close());
      const { events } = await PROVIDERS[provider].outbound();
      const jwksFile = join(dir, "jwks.json");
      for (const event of events) {
        const secret = SECRETS[provider];
        const args = ["send", "--provider", provider, "--to", receiver.url, "--event", event, "--json"];
        if (secret) args.push("--secret", secret);
        else args.push("--jwks-out", jwksFile);
        const sent = await runCli(args, { cwd: dir });
        assert.equal(sent.code, 0, `${event}: ${sent.stderr}`);
        const line = sent.lines.find((l) => l.type === "send");
        assert.equal(line?.status, 200);
        const keys = sent.lines.find((l) => l.type === "keys");
        // Re-verify offline what the receiver got, from a capture of it, with the JWKS the send wrote.
        const got = receiver.received.at(-1);
        assert.ok(got);
        const record = {
          v: 1,
          id: `${provider}-${event}`,
          receivedAt: new Date().toISOString(),
          method: "POST",
          path: "/webhooks",
          remote: null,
          headers: got.headers,
          bodyBase64: Buffer.from(got.body).toString("base64"),
          provider,
          verdict: null,
          response: null,
        };
        writeFileSync(capture, `${JSON.stringify(record)}\n`);
        const env: Record<string, string> = { ...ENV };
        const keyEnv = (keys?.env ?? {}) as Record<string, string>;
        if (keyEnv.PPS_TRUSTED_ISSUERS) env.PPS_TRUSTED_ISSUERS = keyEnv.PPS_TRUSTED_ISSUERS;
        const verified = await runCli(
          ["verify", capture, "--json", ...(secret ? [] : ["--jwks-file", jwksFile])],
          { cwd: dir, env },
        );
        assert.equal(verified.code, 0, `${event}: ${verified.stderr}`);
        assert.equal(
          verified.lines[0]?.event,
          provider === "pps" ? event.split("/").slice(0, 2).join("/") : event,
        );
      }
    });
  }
});

describe("whtool send", () => {
  it("reaches a live whtool listen that verifies it (MoneyKit keys served while send runs)", async () => {
    const listen = await startListen(["--no-capture"], { env: ENV });
    const sent = await runCli([
      "send",
      "--provider",
      "dfns",
      "--to",
      listen.url,
      "--count",
      "3",
      "--secret",
      "whs-send",
      "--json",
    ]);
    const result = await listen.stop();
    assert.equal(sent.code, 0, sent.stderr);
    const deliveries = result.lines.filter((l) => l.type === "delivery");
    assert.equal(deliveries.length, 3);
    assert.ok(deliveries.every((d) => d.verified === true));
    assert.equal(new Set(deliveries.map((d) => d.dedupeKey)).size, 3, "--count sends distinct events");
  });

  it("exits 1 when the receiver answers non-2xx, 4 when nothing answers, 3 without a secret, 2 for a bad event", async () => {
    const receiver = await startReceiver([500]);
    after(() => receiver.close());
    const rejected = await runCli(["send", "--provider", "bracken", "--to", receiver.url, "--secret", "s"]);
    assert.equal(rejected.code, 1);
    assert.match(rejected.stdout, /→ 500/);
    const port = await closedPort();
    const down = await runCli([
      "send",
      "--provider",
      "bracken",
      "--to",
      `http://127.0.0.1:${port}/x`,
      "--secret",
      "s",
    ]);
    assert.equal(down.code, 4);
    assert.match(down.stderr, /nothing answered/);
    const noSecret = await runCli(["send", "--provider", "dfns", "--to", receiver.url]);
    assert.equal(noSecret.code, 3);
    assert.match(noSecret.stderr, /DFNS_WEBHOOK_SECRET/);
    const badEvent = await runCli([
      "send",
      "--provider",
      "dfns",
      "--to",
      receiver.url,
      "--secret",
      "s",
      "--event",
      "nope",
    ]);
    assert.equal(badEvent.code, 2);
    assert.match(badEvent.stderr, /wallet\.created/);
  });

  it("accepts the MoneyKit seed's misspelt event names and sends the real ones", async () => {
    const receiver = await startReceiver([200]);
    after(() => receiver.close());
    const r = await runCli([
      "send",
      "--provider",
      "moneykit",
      "--to",
      receiver.url,
      "--event",
      "link.product_refreshed",
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(receiver.received[0]?.body.toString() ?? "", /"webhook_event":"link\.product_refresh"/);
  });

  it("writes the JWKS before the first delivery is sent", async () => {
    const dir = tempDir();
    let seen = "";
    const receiver = await startReceiver(() => {
      seen = readFileSync(join(dir, "k.json"), "utf8");
      return 200;
    });
    after(() => receiver.close());
    const r = await runCli(["send", "--provider", "pps", "--to", receiver.url, "--jwks-out", "k.json"], {
      cwd: dir,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(seen, /"kty": "RSA"/);
  });
});

describe("whtool emulate", () => {
  it("starts all five on loopback, prints their env, and stops on Ctrl-C", async () => {
    const controller = new AbortController();
    const ready: Record<string, unknown>[] = [];
    const done = runCli(["emulate", "--provider", "all", "--json"], {
      signal: controller.signal,
      onStdout: (chunk) => {
        for (const line of chunk.split("\n").filter((l) => l.startsWith("{"))) ready.push(JSON.parse(line));
        if (ready.length === 5) controller.abort("SIGINT");
      },
    });
    const result = await done;
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(ready.map((r) => r.provider).sort(), ["bracken", "dfns", "kopokopo", "moneykit", "pps"]);
    for (const line of ready) {
      assert.match(String(line.url), /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.ok(Object.keys(line.env as object).length >= 3);
    }
    const dfns = ready.find((r) => r.provider === "dfns")?.env as Record<string, string>;
    assert.ok(dfns.DFNS_API_URL && dfns.DFNS_AUTH_TOKEN && dfns.DFNS_CRED_ID && dfns.DFNS_PRIVATE_KEY);
    const mk = ready.find((r) => r.provider === "moneykit")?.env as Record<string, string>;
    assert.match(mk.MONEYKIT_LINK_ID ?? "", /^mk_/);
    // stopped: the port no longer answers
    await assert.rejects(post(`${String(ready[0]?.url)}/x`, [], "x"));
  });

  it("regression: --write-env reaches whtool when spawned (Node 20 swallowed a flag named --env-file)", async () => {
    const dir = tempDir();
    const child = spawn(
      process.execPath,
      [BIN, "emulate", "--provider", "kopokopo", "--write-env", "emu.env"],
      {
        cwd: dir,
        env: { PATH: process.env.PATH ?? "" },
      },
    );
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    await new Promise<void>((resolve) =>
      child.stderr.on("data", (d: Buffer) => /wrote the emulators' environment/.test(String(d)) && resolve()),
    );
    const written = readFileSync(join(dir, "emu.env"), "utf8");
    assert.match(written, /^KOPOKOPO_API_URL="http:\/\/127\.0\.0\.1:\d+"$/m);
    assert.equal(statSync(join(dir, "emu.env")).mode & 0o777, 0o600);
    child.kill("SIGINT");
    assert.equal(await exited, 0);
  });

  it("refuses an unknown provider and a bad time scale with exit 2", async () => {
    assert.equal((await runCli(["emulate", "--provider", "stripe"])).code, 2);
    assert.equal((await runCli(["emulate", "--provider", "dfns", "--time-scale", "5"])).code, 2);
  });
});

describe("send signs as listen verifies, with keys a receiver set up once keeps trusting", () => {
  it("regression: the pps example answered 403 (a new key on a random port each run); now two runs both verify", async () => {
    const port = await closedPort();
    const handler = await startHandler("examples/pps-handler.mjs", {
      PPS_TRUSTED_ISSUERS: `http://127.0.0.1:${port}/issuer=whtool-check`,
    });
    const cwd = tempDir();
    try {
      for (const run of [1, 2]) {
        const sent = await runCli(
          ["send", "--provider", "pps", "--to", handler.url, "--key-port", String(port), "--json"],
          { cwd },
        );
        assert.equal(sent.code, 0, `run ${run}: ${sent.stdout}${sent.stderr}`);
      }
    } finally {
      handler.stop();
    }
  });

  it("an HMAC provider signs with the secret register saved, as listen verifies with it", async () => {
    const emu = track(await startDfnsEmulator({ timeScale: 0.0001 }));
    const cwd = tempDir();
    const env = { ...emu.env };
    // Registering saves the secret Dfns generated (state.json); nothing puts it in the environment.
    assert.equal(
      (await runCli(["register", "--provider", "dfns", "--url", "http://127.0.0.1:9/h"], { cwd, env })).code,
      0,
    );
    const target = await startListen(["--provider", "dfns", "--no-capture"], { cwd, env });
    const sent = await runCli(["send", "--provider", "dfns", "--to", target.url], { cwd, env });
    assert.equal(sent.code, 0, sent.stdout + sent.stderr);
    const result = await target.stop();
    assert.equal(result.lines.find((l) => l.type === "delivery")?.verified, true);
  });
});
