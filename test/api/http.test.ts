import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, test } from "node:test";
import { ApiHttp } from "../../src/api/http.js";
import { WhtoolError } from "../../src/errors.js";

describe("ApiHttp network failures in words", () => {
  test("regression: a silent API said UND_ERR_HEADERS_TIMEOUT; now 'no answer in …' with the attempts", async () => {
    const sockets = new Set<import("node:net").Socket>();
    const server = createServer(() => {
      // never answers
    });
    server.on("connection", (s) => sockets.add(s));
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    const { port } = server.address() as AddressInfo;
    try {
      const http = new ApiHttp({
        name: "Example",
        baseUrl: `http://127.0.0.1:${port}`,
        env: {},
        errorMessage: () => undefined,
        timeoutMs: 200,
        attempts: 2,
        backoffMs: 1,
      });
      const error = await http.request("GET", "/x").then(
        () => assert.fail("a silent server must fail"),
        (e: unknown) => e,
      );
      assert.ok(error instanceof WhtoolError);
      assert.equal(error.exitCode, 4);
      assert.equal(
        error.message,
        `Example API at http://127.0.0.1:${port}: no answer in 200 ms (UND_ERR_HEADERS_TIMEOUT)`,
      );
      assert.match(error.hint ?? "", /2 attempts made/);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((done) => server.close(done));
    }
  });

  test("a closed port says connection refused", async () => {
    const server = createServer();
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    const { port } = server.address() as AddressInfo;
    await new Promise((done) => server.close(done));
    const http = new ApiHttp({
      name: "Example",
      baseUrl: `http://127.0.0.1:${port}`,
      env: {},
      errorMessage: () => undefined,
      attempts: 1,
    });
    await assert.rejects(
      http.request("GET", "/"),
      /connection refused \(nothing listens there\) \(ECONNREFUSED\)/,
    );
  });
});
