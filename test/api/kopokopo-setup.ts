// Shared setup for test/api/kopokopo*.test.ts: a real emulator, a real receiver, the real verifier.
import assert from "node:assert/strict";
import { createServer, request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import type { Delivery } from "../../src/core/delivery.js";
import type { RunningEmulator } from "../../src/emulators/types.js";
import { PROVIDERS } from "../../src/providers/index.js";
import {
  type KopoKopoEmulatorOptions,
  startKopoKopoEmulator,
} from "../../src/providers/kopokopo/emulator.js";
import { bodyOf, context, failure, receiver, shown, track } from "../helpers/api.js";

export { bodyOf, context, failure, receiver, shown };

export async function emulator(options: KopoKopoEmulatorOptions = {}): Promise<RunningEmulator> {
  const emu = await startKopoKopoEmulator({ timeScale: 0.0001, ...options });
  return track(emu);
}

/** Verifies a delivery with the real Kopo Kopo verifier keyed with the API key (not the client secret). */
export async function assertVerifies(emu: RunningEmulator, d: Delivery): Promise<void> {
  const verdict = await PROVIDERS.kopokopo.verify(d, {
    at: new Date(),
    secrets: [emu.env.KOPOKOPO_API_KEY ?? ""],
  });
  assert.equal(verdict.verified, true, JSON.stringify(verdict.checks));
}

export const tokenRequests = (emu: RunningEmulator) =>
  emu.requests.filter((r) => r.method === "POST" && r.path === "/oauth/token").length;

/**
 * A real loopback server in front of the emulator that answers 404 to `POST /api/v2/webhook_subscriptions`
 * (an API without v2, as older Kopo Kopo deployments) and passes everything else through unchanged.
 */
export async function withoutV2(emu: RunningEmulator): Promise<{ url: string; seen: string[] }> {
  const target = new URL(emu.url);
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    if (req.method === "POST" && req.url === "/api/v2/webhook_subscriptions") {
      req.resume();
      res.writeHead(404, { "content-type": "application/json" });
      res.end(JSON.stringify({ error_code: 404, error_message: "Not found" }));
      return;
    }
    const upstream = httpRequest(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  track({
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

export async function emulatorCall(emu: RunningEmulator, method: string, path: string): Promise<unknown> {
  const response = await fetch(`${emu.url}${path}`, { method });
  return response.json();
}
