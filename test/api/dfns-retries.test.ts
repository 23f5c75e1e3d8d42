// Retries of the Dfns API client: a real loopback proxy in front of the emulator answers chosen requests
// with a 5xx (or a non-JSON page) and passes the rest on. Reads, updates and pings are retried with
// backoff; a create is not (a retried create could leave a webhook whose secret nobody saw); 4xx never.
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, request } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, it, type TestContext } from "node:test";
import type { RunningEmulator } from "../../src/emulators/types.js";
import { dfnsApi } from "../../src/providers/dfns/api.js";
import { apiContext, dfnsEmulator, failure, listedWebhooks } from "./dfns-setup.js";

interface Fault {
  /** Which requests to break, e.g. "GET /webhooks". */
  readonly match: (method: string, path: string) => boolean;
  /** How many of them to break. */
  times: number;
  readonly status: number;
  readonly body: string;
  readonly contentType: string;
}

interface Proxy {
  readonly url: string;
  readonly seen: string[];
}

async function faultyProxy(t: TestContext, emu: RunningEmulator, fault: Fault): Promise<Proxy> {
  const target = new URL(emu.url);
  const seen: string[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const method = req.method ?? "";
    const path = (req.url ?? "").split("?")[0] ?? "";
    seen.push(`${method} ${path}`);
    if (fault.times > 0 && fault.match(method, path)) {
      fault.times--;
      req.resume();
      res.writeHead(fault.status, { "content-type": fault.contentType }).end(fault.body);
      return;
    }
    const upstream = request(
      { host: target.hostname, port: target.port, method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

const dfns503 = {
  status: 503,
  body: '{"error":{"message":"Service Unavailable"}}',
  contentType: "application/json",
};

describe("dfns retries", () => {
  it("a 503 on the webhook list is retried, then register goes on", async (t) => {
    const emu = await dfnsEmulator(t);
    const proxy = await faultyProxy(t, emu, {
      ...dfns503,
      times: 2,
      match: (m, p) => m === "GET" && p === "/webhooks",
    });
    const outcome = await dfnsApi.register(
      { url: "https://a.example.test/" },
      apiContext({ ...emu.env, DFNS_API_URL: proxy.url }),
    );
    assert.equal(outcome.action, "created");
    assert.equal(proxy.seen.filter((s) => s === "GET /webhooks").length, 3);
  });

  it("a 503 on create is not retried: exit 4 with Dfns' message and how to recover", async (t) => {
    const emu = await dfnsEmulator(t);
    const proxy = await faultyProxy(t, emu, {
      ...dfns503,
      times: 1,
      match: (m, p) => m === "POST" && p === "/webhooks",
    });
    const ctx = apiContext({ ...emu.env, DFNS_API_URL: proxy.url });
    const error = await failure(dfnsApi.register({ url: "https://a.example.test/" }, ctx), 4, [
      emu.env.DFNS_AUTH_TOKEN ?? "",
    ]);
    assert.equal(error.message, "Dfns create webhook failed: HTTP 503: Service Unavailable");
    assert.match(error.hint ?? "", /run whtool register again/);
    assert.equal(proxy.seen.filter((s) => s === "POST /webhooks").length, 1);
    assert.deepEqual(await listedWebhooks(emu), []);
  });

  it("a 503 on ping is retried (a second ping is harmless)", async (t) => {
    const emu = await dfnsEmulator(t);
    const ctx = apiContext(emu.env);
    const registered = await dfnsApi.register({ url: "http://127.0.0.1:9/" }, ctx);
    const proxy = await faultyProxy(t, emu, { ...dfns503, times: 1, match: (_m, p) => p.endsWith("/ping") });
    const outcome = await dfnsApi.trigger(
      { name: "ping" },
      { ...ctx, env: { ...emu.env, DFNS_API_URL: proxy.url } },
    );
    assert.equal(outcome.details.webhookId, registered.id);
    assert.equal(proxy.seen.filter((s) => s.endsWith("/ping")).length, 2);
  });

  it("a non-JSON error page (a proxy's HTML 502) on every attempt → exit 4 saying so", async (t) => {
    const emu = await dfnsEmulator(t);
    const proxy = await faultyProxy(t, emu, {
      status: 502,
      body: "<html><body>Bad Gateway</body></html>",
      contentType: "text/html",
      times: 99,
      match: () => true,
    });
    const ctx = apiContext({ ...emu.env, DFNS_API_URL: proxy.url });
    const error = await failure(dfnsApi.trigger({ name: "events" }, ctx), 4);
    assert.match(error.message, /is not JSON/);
    assert.match(error.hint ?? "", /DFNS_API_URL/);
    assert.equal(proxy.seen.length, 3, "three attempts");
  });
});
