import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { describe, test } from "node:test";
import { DEFAULT_INSPECT_PORT } from "../../src/inspector/inspector.js";
import { signedDfnsDelivery } from "../../src/providers/dfns/outbound.js";
import { runCli } from "../helpers/cli.js";
import { post } from "../helpers/listen.js";
import { startReceiver } from "../helpers/receiver.js";
import { tempDir } from "../helpers/tmp.js";
import { deliveryIdFor, startListenInspector } from "./serve.js";

/** Holds a port, or learns that something else already does; either way it is taken. */
async function occupy(port: number): Promise<Server | null> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once("error", () => resolve(null));
    server.listen(port, "127.0.0.1", () => resolve(server));
  });
}

describe("listen serves the inspector", () => {
  test("the ready line names the inspector, which shows the delivery and what the forward target answered", async () => {
    const dir = tempDir();
    const app = await startReceiver([201]);
    const listen = await startListenInspector(
      ["--inspect-port", "0", "--capture", join(dir, "c.jsonl"), "--forward-to", app.url],
      { env: { DFNS_WEBHOOK_SECRET: "whs-l" }, cwd: dir },
    );
    try {
      assert.match(listen.inspector, /^http:\/\/127\.0\.0\.1:\d+\/$/);
      const d = signedDfnsDelivery(
        {
          id: "whe-fwd",
          date: "x",
          kind: "wallet.created",
          data: {},
          timestampSent: Math.floor(Date.now() / 1000),
          deliveryAttempt: 1,
        },
        "whs-l",
      );
      await post(listen.webhook, d.headers as [string, string][], d.body);
      const id = await deliveryIdFor(listen.inspector, "whe-fwd");
      // The capture line may be indexed before the forward answers: wait for the forward event.
      type Detail = {
        forward: {
          status: number;
          headers?: [string, string][];
          body: { text: string | null } | null;
        } | null;
        replay: { forwardTo: string };
      };
      const getDetail = async () =>
        (await (await fetch(new URL(`/api/deliveries/${id}`, listen.inspector))).json()) as Detail;
      let detail = await getDetail();
      for (const deadline = Date.now() + 10_000; detail.forward === null && Date.now() < deadline; ) {
        await new Promise((r) => setTimeout(r, 50));
        detail = await getDetail();
      }
      assert.equal(detail.forward?.status, 201);
      // What the app answered, headers and body, as the detail shows it.
      assert.deepEqual(
        detail.forward?.headers?.find(([name]) => name.toLowerCase() === "content-type"),
        ["content-type", "text/plain"],
      );
      assert.equal(detail.forward?.body?.text, "ok");
      assert.equal(detail.replay.forwardTo, app.url, "replay defaults to the forward target");
    } finally {
      await listen.stop();
      await app.close();
    }
  });

  test(`by default on ${DEFAULT_INSPECT_PORT}, or the next free port when it is taken; the banner prints it`, async () => {
    const held = await occupy(DEFAULT_INSPECT_PORT);
    const controller = new AbortController();
    try {
      let stderr = "";
      const done = runCli(["listen", "--tunnel", "none", "--port", "0", "--no-capture"], {
        cwd: tempDir(),
        signal: controller.signal,
        onStderr: (s) => {
          stderr += s;
          if (/inspector http/.test(stderr)) controller.abort("SIGINT");
        },
      });
      const result = await done;
      assert.equal(result.code, 0, result.stderr);
      const port = Number(/inspector http:\/\/127\.0\.0\.1:(\d+)\//.exec(result.stderr)?.[1]);
      assert.ok(port > DEFAULT_INSPECT_PORT && port <= DEFAULT_INSPECT_PORT + 10, `inspector on ${port}`);
    } finally {
      await new Promise<void>((r) => (held ? held.close(() => r()) : r()));
    }
  });

  test("a named --inspect-port that is taken is a usage error; --no-inspect serves none", async () => {
    const held = await occupy(0);
    if (!held) throw new Error("could not bind a free port");
    const port = (held.address() as { port: number }).port;
    try {
      const taken = await runCli([
        "listen",
        "--tunnel",
        "none",
        "--port",
        "0",
        "--no-capture",
        "--inspect-port",
        String(port),
      ]);
      assert.equal(taken.code, 2);
      assert.match(taken.stderr, new RegExp(`inspector port ${port} is already in use`));
    } finally {
      await new Promise<void>((r) => held.close(() => r()));
    }
    const controller = new AbortController();
    const result = await runCli(
      ["listen", "--json", "--tunnel", "none", "--port", "0", "--no-capture", "--no-inspect"],
      {
        signal: controller.signal,
        onStdout: (s) => s.includes('"ready"') && controller.abort("SIGINT"),
      },
    );
    assert.equal(result.lines.find((l) => l.type === "ready")?.inspector, null);
  });

  test("whtool inspect without a capture file is a usage error", async () => {
    const result = await runCli(["inspect", "--port", "0"], { cwd: tempDir() });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /does not exist/);
  });
});
