import type { JWK } from "jose";
import { without } from "../providers/forgery-tools.js";
import type { CheckCase, Outbound, OutboundCredentials, ProviderDescriptor } from "../providers/types.js";

export type { CheckCase } from "../providers/types.js";

/**
 * The suite for one provider: a valid delivery, a resend of it (a duplicate must still get 2xx:
 * providers retry anything else), a delivery without its signature, then the forgeries the
 * provider's scheme must refuse (its descriptor supplies them).
 */
export async function buildCases(
  provider: ProviderDescriptor,
  outbound: Outbound,
  credentials: OutboundCredentials,
  now: Date,
  publishKey?: (publicJwk: JWK) => void,
): Promise<CheckCase[]> {
  const event = outbound.events[0] ?? "";
  const valid = await outbound.build(event, credentials, now);
  const header = provider.info.signatureHeader;
  const forgeries = await provider.forgeries();
  return [
    { name: "valid delivery", expect: "accept", why: "a correctly signed delivery must get 2xx", ...valid },
    {
      name: "duplicate of the valid delivery",
      expect: "accept",
      why: "a duplicate must get 2xx (dedupe, don't reject: providers retry anything else)",
      ...valid,
    },
    {
      name: "missing signature",
      expect: "reject",
      why: `no ${header} header: nothing proves the sender`,
      headers: without(valid.headers, header),
      body: valid.body,
    },
    ...(await forgeries({ event, valid, credentials, outbound, now, ...(publishKey ? { publishKey } : {}) })),
  ];
}

/** What no case can show from outside the handler, said in every report rather than left unsaid. */
const UNCHECKABLE = [
  "that a duplicate is processed only once: whtool sees the answer (2xx), not your side effects",
  "that signatures are compared in constant time: timing over loopback is too noisy to judge",
];

/** The properties `whtool check` did not test for this provider. */
export function notChecked(provider: ProviderDescriptor): string[] {
  return [...UNCHECKABLE, ...provider.checkGaps];
}
