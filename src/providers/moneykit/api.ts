import type { ProviderApi } from "../../api/types.js";
import { usageError } from "../../errors.js";
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
  // Trigger the link that was registered.
  loopTrigger: (name, registered) => ({ name, ...(registered.id ? { link: registered.id } : {}) }),
  removeTargetOptional: true,
  /** A MoneyKit webhook belongs to a link: `unregister --webhook-id LINK` clears that link's webhook. */
  async remove(target, ctx) {
    const linkId = target.webhookId ?? ctx.env.MONEYKIT_LINK_ID;
    if (!linkId)
      throw usageError(
        "MoneyKit webhooks belong to links: name the link with --webhook-id mk_… (or set MONEYKIT_LINK_ID)",
        "a URL alone cannot be looked up: MoneyKit has no API listing links by webhook",
      );
    const outcome = {
      provider: "moneykit" as const,
      action: "updated" as const,
      id: linkId,
      url: target.url ?? null,
      secretSaved: false,
      message: "",
      details: { mode: "link", linkId },
    };
    await unregisterMoneyKit(outcome, ctx);
    return {
      provider: "moneykit",
      removed: [{ id: linkId, url: target.url ?? null }],
      message: `MoneyKit link ${linkId}: webhook removed`,
    };
  },
};
