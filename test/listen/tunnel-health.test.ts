import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { mapNgrokError, type NgrokForward, type NgrokForwardOptions } from "../../src/adapters/tunnel.js";
import type { ListenEvent } from "../../src/core/events.js";
import { LiveListener } from "../../src/listen/live.js";
import { newDedupeIndex } from "../../src/providers/index.js";
import { formatTunnelEvent } from "../../src/ui/tunnel-text.js";
import { quietContext } from "../helpers/cli.js";
import { closedPort } from "../helpers/http-server.js";

const ctx = () => quietContext({ NGROK_AUTHTOKEN: "tok" });

/**
 * The real listener with the ngrok SDK's forward() injected: `publicUrl` is what the fake tunnel
 * says its URL is (a function of the listener's own address, so the probe can reach it).
 */
async function listenThrough(publicUrl: (localAddr: string) => string, options: { noProbe?: boolean } = {}) {
  const events: ListenEvent[] = [];
  let sdk: NgrokForwardOptions | undefined;
  const forward: NgrokForward = async (given) => {
    sdk = given;
    return { url: () => publicUrl(given.addr), close: async () => undefined };
  };
  const live = await LiveListener.start(
    {
      host: "127.0.0.1",
      port: 0,
      path: "/webhooks",
      maxBody: 1 << 20,
      dedupe: newDedupeIndex(),
      verifyOptions: Object.assign(() => ({ secrets: [] }), { reset: () => undefined }),
      retain: false,
      tunnel: { mode: "ngrok", forward, ...(options.noProbe ? { noProbe: true } : {}) },
    },
    ctx(),
    (event) => events.push(event),
  );
  after(() => live.close());
  return { live, events, sdk: () => sdk };
}

const tunnelStates = (events: ListenEvent[]) => events.flatMap((e) => (e.type === "tunnel" ? [e.state] : []));

describe("a tunnel you can trust", () => {
  it("a dropped and restored session is said at once (the SDK's status callback), as tunnel events", async () => {
    const { events, sdk } = await listenThrough((addr) => `http://${addr}`, { noProbe: true });
    const onStatusChange = sdk()?.onStatusChange;
    assert.ok(onStatusChange, "listen hands the SDK a status callback");
    onStatusChange("closed");
    onStatusChange("connected");
    assert.deepEqual(tunnelStates(events), ["connecting", "open", "lost", "restored"]);
  });

  it("after the tunnel is up, one GET through the public URL proves it reaches this listener", async () => {
    const { events } = await listenThrough((addr) => `http://${addr}/webhooks`);
    assert.deepEqual(tunnelStates(events), ["connecting", "open", "reachable"]);
  });

  it("a public URL that does not reach this listener is reported with why; --no-probe skips the check", async () => {
    const port = await closedPort();
    const { events } = await listenThrough(() => `http://127.0.0.1:${port}/webhooks`);
    const probe = events.find((e) => e.type === "tunnel" && e.state === "unreachable");
    assert.ok(probe && probe.type === "tunnel" && probe.state === "unreachable");
    assert.match(probe.message, /ECONNREFUSED/);
    const skipped = await listenThrough(() => `http://127.0.0.1:${port}/webhooks`, { noProbe: true });
    assert.deepEqual(tunnelStates(skipped.events), ["connecting", "open"]);
  });

  it("the lines a person sees say what happened and what to do", () => {
    const plain = new Proxy({}, { get: () => (s: string) => s }) as never;
    assert.match(
      formatTunnelEvent({ type: "tunnel", state: "lost", provider: "ngrok" }, plain),
      /^ngrok tunnel lost/,
    );
    assert.match(
      formatTunnelEvent(
        {
          type: "tunnel",
          state: "unreachable",
          provider: "ngrok",
          url: "https://x.ngrok.app/\u001b[2J",
          message: "ECONNREFUSED",
        },
        plain,
      ),
      /public URL not reachable: https:\/\/x\.ngrok\.app\/\\u001b\[2J: ECONNREFUSED.*--no-probe/,
    );
  });

  it("ERR_NGROK_108 (one agent session on free plans) and ERR_NGROK_334 get a hint that says what to do", () => {
    const request = { addr: "127.0.0.1:1", timeoutMs: 1, domain: "me.ngrok.app" };
    const one = mapNgrokError(
      Object.assign(new Error("session limit"), { errorCode: "ERR_NGROK_108" }),
      request,
    );
    assert.equal(one.exitCode, 5);
    assert.match(one.message, /one agent session at a time/);
    assert.match(one.hint ?? "", /stop the other ngrok agent/);
    const held = mapNgrokError(Object.assign(new Error("online"), { errorCode: "ERR_NGROK_334" }), request);
    assert.match(held.message, /another ngrok session already serves me\.ngrok\.app/);
  });
});
