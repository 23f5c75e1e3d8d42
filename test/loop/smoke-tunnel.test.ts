import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { NgrokForward, NgrokForwardOptions } from "../../src/adapters/tunnel.js";
import { smokeCommand } from "../../src/commands/smoke.js";
import { WhtoolError } from "../../src/errors.js";
import { startEmulated } from "../../src/loop/emulated-env.js";
import { quietContext } from "../helpers/cli.js";

const baseContext = () => quietContext({ NGROK_AUTHTOKEN: "tok" });

describe("smoke through an ngrok tunnel that drops", () => {
  it("fails at once with exit 5 when the tunnel is lost, not when its timeout runs out", async () => {
    // The real provider API is the built-in Dfns emulator; only ngrok is stood in for: the fake
    // tunnel's public URL is the listener's own address, so the emulator's deliveries reach it.
    const emulated = await startEmulated(baseContext(), ["dfns"]);
    let sdk: NgrokForwardOptions | undefined;
    let opened: () => void = () => undefined;
    const tunnelOpen = new Promise<void>((resolve) => {
      opened = resolve;
    });
    const forward: NgrokForward = async (given) => {
      sdk = given;
      opened();
      return { url: () => `http://${given.addr}`, close: async () => undefined };
    };
    const timeout = 60_000;
    const started = Date.now();
    try {
      const smoke = smokeCommand(
        { provider: "dfns", expect: 50, timeout, port: 0, json: true },
        emulated.ctx,
        { forward },
      );
      await tunnelOpen;
      // Let smoke register and trigger, then drop the session as the SDK reports it.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      assert.ok(sdk?.onStatusChange, "smoke hands the SDK a status callback");
      sdk.onStatusChange("closed");
      await assert.rejects(smoke, (error: unknown) => {
        assert.ok(error instanceof WhtoolError);
        assert.equal(error.exitCode, 5);
        assert.match(error.message, /tunnel dropped during smoke/);
        return true;
      });
      const took = Date.now() - started;
      assert.ok(
        took < timeout / 3,
        `smoke gave up after ${took} ms, as if it waited for its ${timeout} ms timeout`,
      );
    } finally {
      await emulated.close();
    }
  });
});
