import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { parseCaptureText } from "../../src/core/capture-format.js";
import type { RunningEmulator } from "../../src/emulators/types.js";
import { startBrackenEmulator } from "../../src/providers/bracken/emulator.js";
import { startDfnsEmulator } from "../../src/providers/dfns/emulator.js";
import { signDfns } from "../../src/providers/dfns/sign.js";
import { startMoneyKitEmulator } from "../../src/providers/moneykit/emulator.js";
import { BIN, runCli } from "../helpers/cli.js";
import { post, startListen } from "../helpers/listen.js";
import { tempDir } from "../helpers/tmp.js";

const FAST = 0.0001;
const emulators: RunningEmulator[] = [];
after(() => Promise.all(emulators.map((e) => e.close())));
async function emulated<T extends RunningEmulator>(start: Promise<T>): Promise<T> {
  const emulator = await start;
  emulators.push(emulator);
  return emulator;
}

describe("listen --register, then trigger: the provider's delivery reaches the listener and verifies", () => {
  const cases = [
    [
      "moneykit",
      () => startMoneyKitEmulator({ timeScale: FAST }),
      (env: Record<string, string>) => ["--link", env.MONEYKIT_LINK_ID ?? ""],
      "link.state_changed",
    ],
    ["dfns", () => startDfnsEmulator({ timeScale: FAST }), () => [], "ping"],
    ["bracken", () => startBrackenEmulator({ timeScale: FAST }), () => [], "User_Create"],
  ] as const;
  for (const [provider, start, registerArgs, event] of cases) {
    it(provider, async () => {
      const emulator = await emulated(start());
      const env = { ...emulator.env };
      const cwd = tempDir();
      const listen = await startListen(
        ["--provider", provider, "--register", "--no-capture", ...registerArgs(env)],
        { env, cwd },
      );
      const triggered = await runCli(["trigger", "--provider", provider, ...registerArgs(env)], { env, cwd });
      assert.equal(triggered.code, 0, triggered.stderr);
      await emulator.engine.waitFor(1); // the provider delivers after answering the trigger
      const result = await listen.stop();
      const registered = result.lines.find((l) => l.type === "register");
      assert.ok(registered, result.stderr);
      const delivery = result.lines.find((l) => l.type === "delivery");
      assert.equal(delivery?.verified, true, JSON.stringify(delivery?.checks));
      assert.equal(delivery?.event, event);
    });
  }
});

describe("listen answering 500,500,200 to the Dfns emulator", () => {
  it("captures all three attempts and shows them as attempts of one event", async () => {
    const emulator = await emulated(startDfnsEmulator({ timeScale: FAST }));
    const cwd = tempDir();
    const capture = join(cwd, "cap.jsonl");
    const listen = await startListen(
      ["--provider", "dfns", "--register", "--respond", "500,500,200", "--capture", capture],
      {
        env: { ...emulator.env },
        cwd,
      },
    );
    await post(
      `${emulator.url}/_emulator/events`,
      [["Content-Type", "application/json"]],
      '{"kind":"wallet.transfer.confirmed"}',
    );
    await emulator.engine.waitFor(3);
    const result = await listen.stop();
    const deliveries = result.lines.filter((l) => l.type === "delivery");
    assert.deepEqual(
      deliveries.map((d) => [d.status, (d.meta as Record<string, unknown>).deliveryAttempt, d.verified]),
      [
        [500, 1, true],
        [500, 2, true],
        [200, 3, true],
      ],
    );
    assert.equal(deliveries[1]?.duplicateOf, deliveries[0]?.id);
    assert.equal(deliveries[2]?.duplicateOf, deliveries[0]?.id);
    assert.equal(parseCaptureText(readFileSync(capture, "utf8"), capture).records.length, 3);
    assert.deepEqual(
      emulator.engine.attempts.map((a) => a.outcome),
      ["retry scheduled", "retry scheduled", "delivered"],
    );
  });
});

describe("SIGTERM in the middle of a burst", () => {
  it("exits 0, and every delivery that was answered 200 is in a readable capture", async () => {
    const cwd = tempDir();
    const capture = join(cwd, "cap.jsonl");
    const secret = "whs-sigterm";
    const child = spawn(
      process.execPath,
      [BIN, "listen", "--json", "--tunnel", "none", "--port", "0", "--capture", capture],
      {
        env: { PATH: process.env.PATH ?? "", DFNS_WEBHOOK_SECRET: secret },
      },
    );
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    const url = await new Promise<string>((resolve) => {
      let out = "";
      child.stdout.on("data", (d: Buffer) => {
        out += d;
        const line = out.split("\n").find((l) => l.includes('"ready"'));
        if (line) resolve(String((JSON.parse(line) as { local: string }).local));
      });
    });
    let answered = 0;
    const sends = Array.from({ length: 400 }, (_, n) => {
      const body = JSON.stringify({
        id: `whe-${n}`,
        kind: "wallet.created",
        timestampSent: Math.floor(Date.now() / 1000),
      });
      return post(url, [["X-DFNS-WEBHOOK-SIGNATURE", signDfns(Buffer.from(body), secret)]], body)
        .then((r) => {
          if (++answered === 50) child.kill("SIGTERM");
          return { body, status: r.status };
        })
        .catch(() => ({ body, status: 0 }));
    });
    const results = await Promise.all(sends);
    assert.equal(await exited, 0);
    const { records, warnings } = parseCaptureText(readFileSync(capture, "utf8"), capture);
    assert.deepEqual(warnings, [], "no truncated or corrupt line");
    const captured = new Set(records.map((r) => Buffer.from(r.bodyBase64, "base64").toString()));
    const ok = results.filter((r) => r.status === 200);
    assert.ok(ok.length >= 50, `${ok.length} answered`);
    for (const { body } of ok)
      assert.ok(captured.has(body), "an answered delivery is missing from the capture");
  });
});

describe("listen --register cleans up after itself, as stripe listen does", () => {
  const webhooks = async (env: Record<string, string>) => {
    const answer = await fetch(`${env.DFNS_API_URL}/webhooks`, {
      headers: { authorization: `Bearer ${env.DFNS_AUTH_TOKEN}` },
    });
    return ((await answer.json()) as { items: { url: string }[] }).items;
  };

  it("regression: registrations piled up; the webhook listen created is deleted when it stops", async () => {
    const emulator = await emulated(startDfnsEmulator({ timeScale: FAST }));
    const env = { ...emulator.env };
    const cwd = tempDir();
    const listen = await startListen(["--provider", "dfns", "--register", "--no-capture"], { env, cwd });
    assert.equal((await webhooks(env)).length, 1);
    const result = await listen.stop();
    assert.equal(result.code, 0, result.stderr);
    assert.ok(
      result.lines.some((l) => l.type === "unregister"),
      result.stdout,
    );
    assert.deepEqual(await webhooks(env), []);
  });

  it("--keep leaves it registered, and says so", async () => {
    const emulator = await emulated(startDfnsEmulator({ timeScale: FAST }));
    const env = { ...emulator.env };
    const listen = await startListen(["--provider", "dfns", "--register", "--keep", "--no-capture"], {
      env,
      cwd: tempDir(),
      json: false,
    });
    const result = await listen.stop();
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /kept the registration of http:\/\/127\.0\.0\.1:\d+\/webhooks \(--keep\)/);
    assert.doesNotMatch(result.stderr, /Next: receive at that URL with whtool listen/);
    assert.equal((await webhooks(env)).length, 1);
  });
});
