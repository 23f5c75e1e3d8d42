import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type ListenerHandle, type ListenerOptions, startListener } from "../../src/adapters/listener.js";
import { closedWithin, openSocket, requestOn } from "../helpers/sockets.js";

async function withListener(
  limits: NonNullable<ListenerOptions["limits"]>,
  run: (listener: ListenerHandle) => Promise<void>,
): Promise<void> {
  const listener = await startListener(
    { host: "127.0.0.1", port: 0, maxBody: 1024, now: () => new Date(), limits },
    async () => ({ status: 200, body: "ok" }),
  );
  try {
    await run(listener);
  } finally {
    await listener.close();
  }
}

describe("listener connections are bounded like a production server's", () => {
  it("regression: idle sockets that never send a byte were kept open; now closed within the idle bound", async () => {
    await withListener({ idleMs: 300 }, async (listener) => {
      const sockets = await Promise.all(Array.from({ length: 50 }, () => openSocket(listener.url)));
      // 300 ms idle, swept every 75 ms: all gone well within 1.5 s (Node's own sweep is every 30 s).
      const closedAfter = await Promise.all(sockets.map((socket) => closedWithin(socket, 1500)));
      assert.equal(closedAfter.length, 50);
      assert.ok(Math.min(...closedAfter) >= 200, `closed too early: ${Math.min(...closedAfter)} ms`);
    });
  });

  it("a kept-alive socket with no further request is closed after the keep-alive timeout", async () => {
    await withListener({ idleMs: 5000, keepAliveMs: 200 }, async (listener) => {
      const socket = await openSocket(listener.url);
      assert.equal(await requestOn(socket), "HTTP/1.1 200 OK");
      // Node arms the socket for keepAliveTimeout plus its own 1 s grace.
      await closedWithin(socket, 2500);
    });
  });

  it("connections beyond maxConnections are dropped as they open; those within it are served", async () => {
    await withListener({ idleMs: 5000, maxConnections: 3 }, async (listener) => {
      const held = await Promise.all([1, 2, 3].map(() => openSocket(listener.url)));
      for (const socket of held) assert.equal(await requestOn(socket), "HTTP/1.1 200 OK");
      const extra = await openSocket(listener.url);
      const received = { text: "" };
      extra.write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
      await closedWithin(extra, 1000, received);
      assert.equal(received.text, "", "the extra connection got no answer");
      assert.equal(held.filter((socket) => !socket.destroyed).length, 3);
      for (const socket of held) socket.destroy();
    });
  });
});
