// npm run bench: prints figures, asserts nothing. Verification throughput per provider (in-process),
// start-up times of --version, --help and `whtool verify` as CI runs them (spawned, see startup.ts),
// a listener burst, listen req/s against bare node:http and a hand-written verifier (see listen.ts),
// and a large capture (see large-capture.ts).
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { StaticKeyStore } from "../src/adapters/jwks.js";
import type { Delivery } from "../src/core/delivery.js";
import { signBracken } from "../src/providers/bracken/sign.js";
import { signDfns } from "../src/providers/dfns/sign.js";
import { diagnose } from "../src/providers/doctor/index.js";
import { PROVIDERS } from "../src/providers/index.js";
import { signKopoKopo } from "../src/providers/kopokopo/sign.js";
import { moneykitHeaders, signMoneyKit } from "../src/providers/moneykit/sign.js";
import { ppsHeaders, signPpsToken } from "../src/providers/pps/sign.js";
import { generateSigningKey, jwksOf } from "../src/providers/signing-key.js";
import type { VerifyOptions } from "../src/providers/types.js";
import { benchLargeCapture } from "./large-capture.js";
import { benchListen } from "./listen.js";
import { benchStartup } from "./startup.js";

const at = new Date();
const iat = Math.floor(at.getTime() / 1000);
// One body every provider accepts: Dfns needs timestampSent, Kopo Kopo topic and _links.self.
const body = Buffer.from(
  JSON.stringify({
    id: "whe-1",
    kind: "wallet.created",
    topic: "buygoods_transaction_received",
    _links: { self: "https://sandbox.kopokopo.com/webhook_events/1" },
    timestampSent: iat,
    pad: "x".repeat(1500),
  }),
);
const secret = "bench-secret";
const es = await generateSigningKey("ES256");
const rs = await generateSigningKey("RS256");
const delivery = (headers: [string, string][]): Delivery => ({
  id: "b",
  method: "POST",
  path: "/",
  headers,
  body,
  receivedAt: at,
});
const issuer = "https://issuer.bench";

const cases: [string, Delivery, VerifyOptions][] = [
  ["dfns", delivery([["X-DFNS-WEBHOOK-SIGNATURE", signDfns(body, secret)]]), { at, secrets: [secret] }],
  ["bracken", delivery([["Authorization", signBracken(body, secret)]]), { at, secrets: [secret] }],
  ["kopokopo", delivery([["X-KopoKopo-Signature", signKopoKopo(body, secret)]]), { at, secrets: [secret] }],
  [
    "moneykit",
    delivery(moneykitHeaders(await signMoneyKit(body, es, { iat }), "dt", 1) as [string, string][]),
    { at, secrets: [], keys: new StaticKeyStore(jwksOf([es]), "bench") },
  ],
  [
    "pps",
    delivery(
      ppsHeaders(await signPpsToken(rs, { issuer, audience: "a", subject: "s", iat }), {
        topic: "orders/placed",
        tenantId: "OU1",
        webhookId: "w",
        triggeredAt: "x",
      }) as [string, string][],
    ),
    {
      at,
      secrets: [],
      keys: new StaticKeyStore(jwksOf([rs]), "bench"),
      trustedIssuers: [{ issuer, audiences: ["a"] }],
    },
  ],
];

process.stdout.write(
  `verification throughput (in-process, ${body.length}-byte body, node ${process.version})\n`,
);
for (const [id, d, options] of cases) {
  const provider = PROVIDERS[id as keyof typeof PROVIDERS];
  const check = await provider.verify(d, options);
  if (!check.verified) throw new Error(`${id} bench delivery does not verify: ${check.reason}`);
  const n = id === "moneykit" || id === "pps" ? 2000 : 20000;
  const start = performance.now();
  for (let i = 0; i < n; i++) await provider.verify(d, options);
  const ms = performance.now() - start;
  process.stdout.write(
    `  ${id.padEnd(9)} ${Math.round((n / ms) * 1000).toLocaleString("en")} verifications/s  (${((ms * 1000) / n).toFixed(1)} µs each)\n`,
  );
}

await benchForgeries();

const dir = mkdtempSync(join(tmpdir(), "whtool-bench-"));
const line = {
  v: 1,
  id: "b1",
  receivedAt: at.toISOString(),
  method: "POST",
  path: "/",
  remote: null,
  headers: cases[0]?.[1].headers,
  bodyBase64: body.toString("base64"),
  provider: "dfns",
  verdict: null,
  response: null,
};
benchStartup(dir, line, secret);

// The listener under a burst: 1,000 concurrent signed deliveries, each verified and appended to the
// capture file before it is answered.
{
  const { runCli } = await import("../test/helpers/cli.js");
  const { join: joinPath } = await import("node:path");
  const burst = 1000;
  const controller = new AbortController();
  let readyUrl = "";
  const ready = new Promise<void>((resolve) => {
    void runCli(
      [
        "listen",
        "--json",
        "--tunnel",
        "none",
        "--port",
        "0",
        "--capture",
        joinPath(dir, "burst.jsonl"),
        "--provider",
        "dfns",
      ],
      {
        env: { DFNS_WEBHOOK_SECRET: secret },
        signal: controller.signal,
        onStdout: (chunk) => {
          const line = chunk.split("\n").find((l) => l.includes('"ready"'));
          if (line) {
            readyUrl = String((JSON.parse(line) as { local: string }).local);
            resolve();
          }
        },
      },
    );
  });
  await ready;
  const signature = signDfns(body, secret);
  const start = performance.now();
  const statuses = await Promise.all(
    Array.from({ length: burst }, () =>
      fetch(readyUrl, { method: "POST", headers: { "X-DFNS-WEBHOOK-SIGNATURE": signature }, body }).then(
        (r) => r.status,
      ),
    ),
  );
  const ms = performance.now() - start;
  controller.abort();
  const ok = statuses.filter((s) => s === 200).length;
  process.stdout.write(
    `listen burst: ${burst} concurrent deliveries (verify + capture + answer) in ${ms.toFixed(0)} ms, ${Math.round((burst / ms) * 1000)} deliveries/s, ${ok} answered 200\n`,
  );
}

await benchListen({ dir, secret, seconds: 5 });

await benchLargeCapture(dir, secret);

/**
 * A flood of forgeries must not collapse `listen`: each failed delivery also runs the signature
 * doctor (bounded at DOCTOR_HMAC_BUDGET HMACs). Verify + diagnose, 20k forged vs 20k valid Dfns deliveries.
 */
async function benchForgeries(): Promise<void> {
  const n = 20000;
  const valid = delivery([["X-DFNS-WEBHOOK-SIGNATURE", signDfns(body, secret)]]);
  const forged = delivery([["X-DFNS-WEBHOOK-SIGNATURE", signDfns(body, "not-the-secret")]]);
  const input = {
    at,
    secrets: [{ source: "DFNS_WEBHOOK_SECRET", secret }],
    candidates: [
      { source: "BRACKEN_WEBHOOK_SECRET", secret: "b-secret" },
      { source: "KOPOKOPO_CLIENT_SECRET", secret: "k-secret" },
    ],
  };
  const rate = async (d: Delivery): Promise<number> => {
    const start = performance.now();
    for (let i = 0; i < n; i++) {
      const verdict = await PROVIDERS.dfns.verify(d, { at, secrets: [secret] });
      if (!verdict.verified) await diagnose("dfns", d, verdict, input);
    }
    return (n / (performance.now() - start)) * 1000;
  };
  const ok = await rate(valid);
  const bad = await rate(forged);
  process.stdout.write(
    `forgery flood (dfns, in-process, verify + doctor on failures): ${Math.round(ok).toLocaleString("en")} valid/s, ${Math.round(bad).toLocaleString("en")} forged/s (${(ok / bad).toFixed(1)}× the cost)\n`,
  );
}
