import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { RunningEmulator } from "../../src/emulators/types.js";
import { startBrackenEmulator } from "../../src/providers/bracken/emulator.js";
import { startDfnsEmulator } from "../../src/providers/dfns/emulator.js";
import { startKopoKopoEmulator } from "../../src/providers/kopokopo/emulator.js";
import { track } from "../helpers/api.js";
import { runCli } from "../helpers/cli.js";
import { startListen } from "../helpers/listen.js";
import { tempDir } from "../helpers/tmp.js";

const FAST = { timeScale: 0.0001 };

describe("whtool trigger EVENT on an emulator sends any sample event", () => {
  const cases: [string, () => Promise<RunningEmulator>, string, string[]][] = [
    ["dfns", () => startDfnsEmulator(FAST), "wallet.created", []],
    ["bracken", () => startBrackenEmulator(FAST), "Module_Complete", ["--event", "Module_Complete"]],
    [
      "kopokopo",
      () => startKopoKopoEmulator(FAST),
      "card_transaction_received",
      ["--event", "card_transaction_received"],
    ],
  ];
  for (const [provider, start, event, registerArgs] of cases)
    it(`regression: ${provider} ${event} needed curl …/_emulator/events; now trigger sends it and listen verifies it`, async () => {
      const emulator = track(await start());
      const env = { ...emulator.env };
      const cwd = tempDir();
      const listen = await startListen(
        ["--provider", provider, "--register", "--no-capture", ...registerArgs],
        { env, cwd },
      );
      const triggered = await runCli(["trigger", event, "--provider", provider, "--json"], { env, cwd });
      assert.equal(triggered.code, 0, triggered.stderr);
      assert.equal(triggered.lines[0]?.trigger, event);
      await emulator.engine.waitFor(1);
      const result = await listen.stop();
      const delivery = result.lines.find((l) => l.type === "delivery");
      assert.equal(delivery?.event, event, result.stdout);
      assert.equal(delivery?.verified, true, JSON.stringify(delivery?.checks));
    });

  it("against a real (non-loopback) API an event that is no API trigger is a usage error naming the ways", async () => {
    const result = await runCli(["trigger", "wallet.created", "--provider", "dfns"], {
      cwd: tempDir(),
      env: { DFNS_API_URL: "https://api.dfns.example.test" },
    });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /the dfns API has no trigger for "wallet\.created"/);
    assert.match(result.stderr, /whtool emulate --provider dfns --detach/);
  });

  it("an unknown name is refused with the triggers and the emulator's events", async () => {
    const result = await runCli(["trigger", "nonsense", "--provider", "bracken"], { cwd: tempDir() });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /unknown Bracken trigger or event "nonsense"/);
    assert.match(result.stderr, /User_Create, User_Delete, Module_Start/);
  });
});
