import { preview } from "../../core/bytes.js";
import { type Delivery, headerValue } from "../../core/delivery.js";
import { parseJsonBody } from "../../core/json-body.js";
import { describeOffset, verifyJwt } from "../../core/jwt.js";
import { type Verdict, VerdictBuilder } from "../../core/verdict.js";
import { findKey, readToken } from "../jwt-steps.js";
import type { VerifyOptions } from "../types.js";
import { PPS_CLOCK_TOLERANCE_S, PPS_HEADERS } from "./info.js";

export async function verifyPps(delivery: Delivery, options: VerifyOptions): Promise<Verdict> {
  const v = new VerdictBuilder("pps");
  for (const name of PPS_HEADERS) {
    const value = headerValue(delivery.headers, name);
    if (value !== undefined) v.deliveryHeaders[name] = value;
  }
  v.event = v.deliveryHeaders["X-Pps-Topic"] ?? null;
  v.dedupeKey = v.deliveryHeaders["X-Pps-Webhook-Id"] ?? null;

  const authorization = headerValue(delivery.headers, "Authorization");
  if (authorization === undefined)
    return v.fail("authorization", "missing_header", "no Authorization header");
  const token = /^Bearer\s+(\S+)$/i.exec(authorization.trim())?.[1];
  if (token === undefined)
    return v.fail(
      "authorization",
      "malformed_header",
      `expected "Bearer <JWT>", got "${preview(authorization)}"`,
    );
  const read = readToken(v, token, "authorization", "RS256");
  if (read.verdict) return read.verdict;

  // The issuer is read unverified and must be trusted BEFORE anything is fetched (PPS guide, fetch_jwks).
  const issuer = read.value.claims.iss;
  if (typeof issuer !== "string") return v.fail("issuer", "malformed_header", "token has no iss claim");
  const trusted = options.trustedIssuers ?? [];
  if (trusted.length === 0)
    return v.fail("issuer", "no_secret", "no trusted issuers configured: set PPS_TRUSTED_ISSUERS");
  const entry = trusted.find((t) => t.issuer === issuer);
  if (!entry)
    return v.fail(
      "issuer",
      "issuer_not_trusted",
      `iss "${preview(issuer, 80)}" is not a trusted issuer; no key was fetched`,
    );
  v.pass(
    "issuer",
    `${issuer} is trusted${entry.audiences === null ? " (no audience check configured)" : ""}`,
  );

  const key = await findKey(v, options.keys, read.value, issuer);
  if (key.verdict) return key.verdict;

  const result = await verifyJwt(token, key.value.jwk, {
    algorithms: ["RS256"],
    at: options.at,
    clockToleranceS: PPS_CLOCK_TOLERANCE_S,
    issuer,
    ...(entry.audiences === null ? {} : { audience: entry.audiences }),
    requiredClaims: ["exp", "iat"],
  });
  if (!result.ok) return v.fail(result.step, result.reason, result.detail);
  v.pass("signature", "RS256 signature valid");
  const { iat = 0, exp = 0 } = result.claims;
  v.meta.sentAt = iat;
  // jose checks iat only against a max age; a token issued in the future is not yet valid either.
  if (iat > options.at.getTime() / 1000 + PPS_CLOCK_TOLERANCE_S)
    return v.fail(
      "claims",
      "token_not_yet_valid",
      `${describeOffset(iat, options.at, "iat")}; tolerance ${PPS_CLOCK_TOLERANCE_S} s`,
    );
  const audience = entry.audiences === null ? "audience not checked" : `aud ${String(result.claims.aud)}`;
  v.pass(
    "claims",
    `${describeOffset(exp, options.at, "exp")}, ${describeOffset(iat, options.at, "iat")}; ${audience}`,
  );

  const body = parseJsonBody(delivery.body);
  if (!body.ok) return v.fail("body", "malformed_body", body.detail);
  v.pass(
    "body",
    `JSON, ${delivery.body.length} bytes (not covered by the token: PointServices signs no body hash)`,
  );
  return v.ok();
}
