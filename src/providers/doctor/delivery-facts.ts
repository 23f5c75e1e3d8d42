import { type Delivery, headerValue } from "../../core/delivery.js";
import type { Diagnosis } from "../../core/diagnosis.js";
import type { Check, Verdict } from "../../core/verdict.js";
import { detectProvider, PROVIDERS } from "../index.js";
import { pythonSortedRewrite } from "./body-variants.js";
import { jsonShape } from "./json-shape.js";

const lenient = new TextDecoder("utf-8");

/** The delivery carries another provider's signature header than the one it was checked as. */
export function wrongProvider(delivery: Delivery, verdict: Verdict): Diagnosis[] {
  if (verdict.provider === null) return [];
  if (verdict.reason !== "missing_header" && verdict.reason !== "malformed_header") return [];
  const carried = detectProvider(delivery.headers);
  if (carried === undefined || carried === verdict.provider) return [];
  const { name, signatureHeader } = PROVIDERS[carried].info;
  const asked = PROVIDERS[verdict.provider].info;
  return [
    {
      code: "wrong_provider",
      detail: `it carries ${name}'s ${signatureHeader} header, but was checked as ${asked.name} (${asked.signatureHeader})`,
      fix: `verify it as --provider ${carried} (or leave --provider out to detect it), or point ${asked.name} at this URL instead`,
    },
  ];
}

/** The body is shorter than its Content-Length, or is JSON that stops before it closes. */
export function bodyTruncated(delivery: Delivery): Diagnosis[] {
  const fix =
    "something between the sender and whtool cut the body short (a proxy limit, a reader that stopped early): pass the whole request body through";
  const length = headerValue(delivery.headers, "content-length");
  const declared = length === undefined ? Number.NaN : Number(length);
  if (Number.isSafeInteger(declared) && declared > delivery.body.length)
    return [
      {
        code: "body_truncated",
        detail: `the body has ${delivery.body.length} bytes but its Content-Length says ${declared}`,
        fix,
      },
    ];
  const text = lenient.decode(delivery.body).trim();
  if (!/^[[{]/.test(text) || !jsonShape(text).unterminated) return [];
  return [
    {
      code: "body_truncated",
      detail: `the body (${delivery.body.length} bytes) is JSON cut short: it ends before its brackets or a string close`,
      fix,
    },
  ];
}

const AGREE_S = 60;

function span(seconds: number): string {
  const s = Math.round(Math.abs(seconds));
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 172_800) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86_400).toFixed(1)} days`;
}

/**
 * The signature held; only the time window failed. The delivery's own Date header (set when it
 * was sent) tells a receiving clock that is off from a retry or replay of an old signed delivery.
 */
export function timestampSkew(sentS: number, at: Date, delivery: Delivery, failed: Check): Diagnosis {
  const atS = at.getTime() / 1000;
  const offset = atS - sentS;
  const when = `judged ${span(offset)} ${offset >= 0 ? "after" : "before"} its signed time`;
  const head = `the signature is valid, only the time window failed (${failed.detail}): ${when}`;
  const date = Date.parse(headerValue(delivery.headers, "date") ?? "");
  if (Number.isNaN(date))
    return {
      code: "timestamp_skew",
      detail: `${head}; no Date header to tell a wrong clock from a late delivery`,
      fix: "check this machine's clock (NTP) and, for a capture, verify with --at the time it arrived",
    };
  const dateS = date / 1000;
  if (Math.abs(dateS - sentS) <= AGREE_S)
    return {
      code: "timestamp_skew",
      detail: `${head}; its Date header agrees with the signed time, so it was sent then: the receiving clock (or the --at time) is ${span(atS - dateS)} ${atS >= dateS ? "ahead" : "behind"}`,
      fix: "sync this machine's clock (NTP), or verify with --at the time the delivery arrived",
    };
  if (Math.abs(atS - dateS) <= AGREE_S)
    return {
      code: "timestamp_skew",
      detail: `${head}; its Date header says it was sent at receipt, ${span(dateS - sentS)} after it was signed: a late retry or a replay of an old delivery`,
      fix: "do not widen the window: reject a replay; for a genuine late retry, have the provider resend it so it is signed anew",
    };
  return {
    code: "timestamp_skew",
    detail: `${head}; its Date header agrees with neither the signed time nor receipt`,
    fix: "check the clocks of both the sender and this machine (NTP)",
  };
}

/** The re-write that loses the original key order: named from the body's shape, since no HMAC can prove it. */
export function sortedRewrite(body: Uint8Array): Diagnosis[] {
  const tool = pythonSortedRewrite(body);
  if (tool === undefined) return [];
  return [
    {
      code: "body_reserialised",
      detail: `the body is exactly what Python's ${tool} writes (keys sorted at every level, ", " separators), which no provider sends: a relay re-wrote it, and the original key order cannot be rebuilt to prove it`,
      fix: "forward the raw bytes as received (request.get_data() in Flask, not json.dumps(request.json)), never a re-serialised body",
    },
  ];
}
