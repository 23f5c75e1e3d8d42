import assert from "node:assert/strict";
import { it } from "node:test";
import { Router, serveRouter } from "../../src/emulators/router.js";
import { closedWithin, openSocket, requestOn } from "../helpers/sockets.js";

it("regression: the emulators kept silent connections open; now closed within the idle bound, and capped", async () => {
  const router = new Router(() => ({})).on("GET", "/", () => ({ status: 200, body: {} }));
  const server = await serveRouter(router, 0, { idleMs: 300, keepAliveMs: 200, maxConnections: 20 });
  try {
    const sockets = await Promise.all(Array.from({ length: 20 }, () => openSocket(server.url)));
    await Promise.all(sockets.map((socket) => closedWithin(socket, 1500)));
    const kept = await openSocket(server.url);
    assert.equal(await requestOn(kept), "HTTP/1.1 200 OK");
    await closedWithin(kept, 2500);
  } finally {
    await server.close();
  }
});
