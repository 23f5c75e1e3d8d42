import type { ProviderApi } from "../../api/types.js";
import { registerMoneyKit, unregisterMoneyKit } from "./api/register.js";
import { MONEYKIT_TRIGGERS, triggerMoneyKit } from "./api/trigger.js";

/**
 * MoneyKit's API (providers.md, MoneyKit): `register` sets a link's webhook or starts a link session
 * with one; `trigger` sends sandbox test webhooks, refreshes products or deletes a link. No secret is
 * ever saved: MoneyKit signs with ES256 keys published at MONEYKIT_API_URL/.well-known/jwks.json.
 */
export const moneykitApi: ProviderApi = {
  triggers: MONEYKIT_TRIGGERS,
  defaultTrigger: "link.state_changed",
  register: registerMoneyKit,
  trigger: triggerMoneyKit,
  unregister: unregisterMoneyKit,
};
