import { execFileSync } from "node:child_process";
import type { HeaderPair } from "../../src/core/delivery.js";
import { signBracken } from "../../src/providers/bracken/sign.js";
import { signDfns } from "../../src/providers/dfns/sign.js";
import { signKopoKopo } from "../../src/providers/kopokopo/sign.js";

/** Real deliveries as the providers sign them, and the real tools that mangle them on the way. */
export const SECRET = "s3cret-webhook-key";
export const AT = new Date("2026-11-23T10:00:00.000Z");
export const AT_S = AT.getTime() / 1000;

/** A Dfns event with a URL and a non-ASCII name: what re-serialisers change (escapes, layout). */
export function dfnsEvent(sentS = AT_S): Record<string, unknown> {
  return {
    id: "whe-1c2d",
    kind: "wallet.transfer.confirmed",
    date: "2026-11-23T10:00:00.000Z",
    data: { walletId: "wa-5e6f", memo: "Café Zürich", link: "https://app.dfns.io/w/wa-5e6f" },
    timestampSent: sentS,
  };
}

export const dfnsHeaders = (body: Uint8Array, secret = SECRET): HeaderPair[] => [
  ["Content-Type", "application/json"],
  ["X-DFNS-WEBHOOK-SIGNATURE", signDfns(body, secret)],
];
export const brackenHeaders = (body: Uint8Array, secret = SECRET): HeaderPair[] => [
  ["Content-Type", "application/json"],
  ["Authorization", signBracken(body, secret)],
];
export const kopokopoHeaders = (body: Uint8Array, key = SECRET): HeaderPair[] => [
  ["Content-Type", "application/json"],
  ["X-KopoKopo-Signature", signKopoKopo(body, key)],
];

export function kopokopoEvent(): Record<string, unknown> {
  return {
    topic: "buygoods_transaction_received",
    id: "2133dbfb-24b9-40fc-ae57-2d7559785760",
    created_at: "2026-11-23T10:00:00+03:00",
    event: { type: "Buygoods Transaction", resource: { sender_first_name: "Wanjirū", amount: "20.0" } },
    _links: { self: "https://sandbox.kopokopo.com/api/v1/webhook_events/2133dbfb" },
  };
}

/** Runs a Python snippet with python3's standard library, the body on stdin, bytes back. */
export function python(script: string, input: Uint8Array): Buffer {
  return execFileSync("python3", ["-c", script], { input });
}

/** A random, well-formed signature: a forgery, not a mistake. */
export const randomHex = () =>
  Array.from({ length: 64 }, () => "0123456789abcdef"[Math.floor(Math.random() * 16)]).join("");
