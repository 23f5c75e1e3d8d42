import { hmacForgeries } from "../forgery-tools.js";
import type { Forgeries } from "../types.js";
import { DFNS_WINDOW_S } from "./info.js";
import { scheme } from "./scheme.js";

/** Dfns signs the bytes it sends, and bounds replays by timestampSent. */
export const dfnsForgeries: Forgeries = async (input) => {
  const stale = await input.outbound.build(
    input.event,
    input.credentials,
    new Date(input.now.getTime() - 600_000),
  );
  return [
    ...(await hmacForgeries(scheme, input, true)),
    {
      name: "stale timestamp (sent 600 s ago)",
      expect: "reject",
      why: `Dfns: reject when |now - timestampSent| >= ${DFNS_WINDOW_S} s (replays)`,
      ...stale,
    },
  ];
};
