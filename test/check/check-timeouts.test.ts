import assert from "node:assert/strict";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { PassThrough } from "node:stream";
import { after, before, describe, it } from "node:test";
import { buildCases } from "../../src/check/cases.js";
import { runCases } from "../../src/check/run-cases.js";
import { checkCommand } from "../../src/commands/check.js";
import type { Context } from "../../src/context.js";
import { EXIT, WhtoolError } from "../../src/errors.js";
import { PROVIDERS } from "../../src/providers/index.js";
import { closedPort } from "../helpers/http-server.js";
import { tempDir } from "../helpers/tmp.js";

/** A handler that reads every delivery and never answers. */
async function silentHandler() {
  const received: IncomingMessage[] = [];
  const server = createServer((req) => {
    received.push(req);
    req.resume();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function context(): Context & { out: () => string } {
  let stdout = "";
  const stdin = new PassThrough();
  stdin.end();
  return {
    env: {},
    cwd: tempDir(),
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: () => true },
    stdin,
    now: () => new Date(),
    fetch: globalThis.fetch,
    signal: new AbortController().signal,
    out: () => stdout,
  };
}

const FLAGS = {
  provider: "dfns",
  secret: ["whs-check"],
  keyPort: 0,
  audience: "whtool-check",
  json: true,
} as const;

describe("check against a handler that takes every case and never answers", () => {
  let handler: Awaited<ReturnType<typeof silentHandler>>;
  before(async () => {
    handler = await silentHandler();
  });
  after(() => handler.close());

  it("each case fails as not answered within the budget; nothing is called unreachable", async () => {
    const outbound = await PROVIDERS.dfns.outbound();
    // Two cases are enough here (undici's timers tick coarsely: about a second each).
    const cases = (await buildCases(PROVIDERS.dfns, outbound, { secret: "whs-check" }, new Date())).slice(
      0,
      2,
    );
    const { results, unreachable } = await runCases(handler.url, cases, 150, "dfns", () => undefined);
    assert.equal(unreachable, false);
    assert.equal(results.length, cases.length);
    for (const result of results) {
      assert.equal(result.passed, false, result.name);
      assert.equal(result.failure, "no answer within 150 ms (the provider's budget)");
    }
  });

  it("regression: said 'nothing answered … is your handler running?' (exit 4); now exit 1 with the cases failed", async () => {
    const ctx = context();
    const before = handler.received.length;
    const code = await checkCommand(handler.url, FLAGS, ctx, 150);
    assert.equal(code, EXIT.failed);
    const lines = ctx
      .out()
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const cases = lines.filter((line) => line.type === "case");
    assert.equal(handler.received.length - before, cases.length, "the handler received every case");
    assert.ok(cases.every((line) => line.failure === "no answer within 150 ms (the provider's budget)"));
    assert.deepEqual(
      lines.find((line) => line.type === "check"),
      {
        type: "check",
        provider: "dfns",
        url: handler.url,
        passed: false,
        cases: cases.length,
        failed: cases.length,
        notChecked: [
          "that a duplicate is processed only once: whtool sees the answer (2xx), not your side effects",
          "that signatures are compared in constant time: timing over loopback is too noisy to judge",
        ],
      },
    );
  });
});

it("check against a closed port is still a network error (exit 4): nothing answered", async () => {
  const port = await closedPort();
  await assert.rejects(
    checkCommand(`http://127.0.0.1:${port}/webhooks`, FLAGS, context(), 150),
    (error: unknown) =>
      error instanceof WhtoolError &&
      error.exitCode === EXIT.network &&
      /nothing answered/.test(error.message),
  );
});
