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
    ...(await forgeries({ event, valid, credentials, outbound, now })),
  ];
}
