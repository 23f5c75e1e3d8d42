import { randomBytes, randomUUID } from "node:crypto";
import {
  MONEYKIT_PRODUCTS,
  type MoneyKitLinkState,
  type MoneyKitProduct,
  moneykitLinkId,
} from "../samples.js";
import { mkError } from "./errors.js";

/** providers.md, Link object → `products`: per product `{refreshed_at?, last_attempted_at?, error_code?, error_message?}`. */
export interface ProductStatus {
  refreshed_at?: string;
  last_attempted_at?: string;
  error_code?: string;
  error_message?: string;
}

export interface Institution {
  readonly id: string;
  readonly name: string;
  /** The aggregator behind the institution (Link object `provider`). */
  readonly provider: string;
}

/** Emulation data: the institutions the emulator "connects" to. */
export const SANDBOX_INSTITUTION: Institution = {
  id: "moneykit_sandbox",
  name: "MoneyKit Sandbox Bank",
  provider: "testing",
};
export const LIVE_INSTITUTION: Institution = { id: "chase", name: "Chase", provider: "mx" };

export interface LinkRecord {
  readonly id: string;
  readonly institution: Institution;
  /** Sandbox credentials give sandbox links (providers.md); only those accept test webhooks. */
  readonly sandbox: boolean;
  state: MoneyKitLinkState;
  errorCode: string | undefined;
  lastSyncedAt: Date | undefined;
  tags: readonly string[];
  webhook: string | undefined;
  readonly products: Map<MoneyKitProduct, ProductStatus>;
  /** Emulator clock (ms) of each product's last on-demand refresh, for the rate limits. */
  readonly lastRefreshAt: Map<MoneyKitProduct, number>;
  /** Emulator clock (ms) of recent test webhooks, for the optional test-webhook limit. */
  readonly testWebhookTimes: number[];
}

export interface LinkSession {
  readonly token: string;
  readonly customerUserId: string;
  readonly webhook: string | undefined;
  readonly tags: readonly string[];
  readonly existingLinkId: string | undefined;
  readonly products: readonly MoneyKitProduct[];
  completed: boolean;
}

export interface NewLink {
  readonly sandbox: boolean;
  readonly webhook?: string | undefined;
  readonly tags?: readonly string[] | undefined;
  readonly products?: readonly MoneyKitProduct[] | undefined;
  readonly state?: MoneyKitLinkState;
}

/** Links, link sessions and exchangeable tokens of the one client the emulator serves. */
export class LinkStore {
  readonly #links = new Map<string, LinkRecord>();
  readonly #sessions = new Map<string, LinkSession>();
  /** exchangeable token → link id; single use. */
  readonly #exchangeable = new Map<string, string>();

  constructor(private readonly now: () => Date) {}

  create(input: NewLink): LinkRecord {
    const at = this.now();
    const state = input.state ?? "connected";
    const synced = state === "connected";
    const products = new Map<MoneyKitProduct, ProductStatus>();
    // The initial sync after linking fetches the requested products (accounts and transactions by default).
    for (const product of input.products ?? ["accounts", "transactions"]) {
      products.set(
        product,
        synced ? { refreshed_at: at.toISOString(), last_attempted_at: at.toISOString() } : {},
      );
    }
    const link: LinkRecord = {
      id: moneykitLinkId(),
      institution: input.sandbox ? SANDBOX_INSTITUTION : LIVE_INSTITUTION,
      sandbox: input.sandbox,
      state,
      errorCode: undefined,
      lastSyncedAt: synced ? at : undefined,
      tags: input.tags ?? [],
      webhook: input.webhook,
      products,
      lastRefreshAt: new Map(),
      testWebhookTimes: [],
    };
    this.#links.set(link.id, link);
    return link;
  }

  /** A link that exists and is not deleted; else 404 `link_error.not_found` / 410 `link_error.deleted`. */
  live(id: string): LinkRecord {
    const link = this.#links.get(id);
    if (!link) throw mkError(404, "link_error.not_found", `Link ${id} not found.`);
    if (link.state === "deleted") throw mkError(410, "link_error.deleted", "Link deleted.");
    return link;
  }

  createSession(input: Omit<LinkSession, "token" | "completed">): string {
    const token = randomBytes(32).toString("base64url");
    this.#sessions.set(token, { ...input, token, completed: false });
    return token;
  }

  /**
   * What the Connect SDK does when the end user finishes linking: the link exists, awaiting the token
   * exchange, and the front end receives an exchangeable token (a UUID, as in MoneyKit's SDK docs).
   */
  completeSession(sessionToken: string, sandbox: boolean): { exchangeableToken: string; link: LinkRecord } {
    const session = this.#sessions.get(sessionToken);
    if (!session || session.completed)
      throw mkError(404, "link_error.not_found", "Link session not found or already completed.");
    session.completed = true;
    let link: LinkRecord;
    if (session.existingLinkId !== undefined) {
      link = this.live(session.existingLinkId);
      link.state = "awaiting_token_exchange";
      if (session.webhook !== undefined) link.webhook = session.webhook;
    } else {
      link = this.create({
        sandbox,
        webhook: session.webhook,
        tags: session.tags,
        products: session.products.length > 0 ? session.products : undefined,
        state: "awaiting_token_exchange",
      });
    }
    const exchangeableToken = randomUUID();
    this.#exchangeable.set(exchangeableToken, link.id);
    return { exchangeableToken, link };
  }

  /** Trades an exchangeable token (once) for its link, which becomes connected. */
  exchange(token: string): LinkRecord {
    const linkId = this.#exchangeable.get(token);
    if (linkId === undefined)
      throw mkError(404, "link_error.not_found", "Exchangeable token not found or already exchanged.");
    this.#exchangeable.delete(token);
    const link = this.live(linkId);
    const at = this.now();
    link.state = "connected";
    link.lastSyncedAt = at;
    for (const status of link.products.values()) {
      status.refreshed_at = at.toISOString();
      status.last_attempted_at = at.toISOString();
    }
    return link;
  }
}

/** The Link object with exactly the fields providers.md lists, in that order; absent optionals omitted. */
export function linkJson(link: LinkRecord): Record<string, unknown> {
  const products: Record<string, ProductStatus> = {};
  for (const [product, status] of link.products) products[product] = { ...status };
  return {
    link_id: link.id,
    institution_id: link.institution.id,
    institution_name: link.institution.name,
    state: link.state,
    ...(link.errorCode !== undefined && { error_code: link.errorCode }),
    ...(link.lastSyncedAt !== undefined && { last_synced_at: link.lastSyncedAt.toISOString() }),
    provider: link.institution.provider,
    link_tags: [...link.tags],
    ...(link.webhook !== undefined && { webhook: link.webhook }),
    products,
    available_products: [...MONEYKIT_PRODUCTS],
  };
}
