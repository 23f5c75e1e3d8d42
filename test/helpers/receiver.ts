import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Delivery, HeaderPair } from "../../src/core/delivery.js";

export interface Received extends Delivery {
  readonly status: number;
}

export interface Receiver {
  readonly url: string;
  readonly received: Received[];
  /** Resolves when at least n deliveries have arrived. */
  waitFor(n: number, timeoutMs?: number): Promise<Received[]>;
  close(): Promise<void>;
}

/**
 * A real webhook receiver on 127.0.0.1 that records each request's exact bytes and ordered raw
 * headers and answers scripted statuses: `[500, 500, 200]` answers 500 twice then 200 (the last repeats).
 */
export async function startReceiver(
  statuses: readonly number[] | ((n: number) => number) = [200],
): Promise<Receiver> {
  const received: Received[] = [];
  const waiters: (() => void)[] = [];
  const statusFor = (n: number) =>
    typeof statuses === "function" ? statuses(n) : (statuses[Math.min(n, statuses.length - 1)] ?? 200);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = req.rawHeaders;
      const headers: HeaderPair[] = [];
      for (let i = 0; i + 1 < raw.length; i += 2) headers.push([raw[i] ?? "", raw[i + 1] ?? ""]);
      const status = statusFor(received.length);
      received.push({
        id: `r${received.length + 1}`,
        method: req.method ?? "",
        path: req.url ?? "",
        headers,
        body: Buffer.concat(chunks),
        receivedAt: new Date(),
        status,
      });
      res.writeHead(status, { "content-type": "text/plain" }).end(status < 300 ? "ok" : "no");
      for (const wake of waiters.splice(0)) wake();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks`,
    received,
    waitFor: (n, timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`receiver: timed out waiting for ${n} deliveries (got ${received.length})`)),
          timeoutMs,
        );
        const check = () => {
          if (received.length >= n) {
            clearTimeout(timer);
            resolve(received.slice());
          } else waiters.push(check);
        };
        check();
      }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
