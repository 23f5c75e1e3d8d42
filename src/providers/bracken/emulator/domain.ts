import { randomInt } from "node:crypto";
import type { AttemptRecord, DeliveryEngine, RetryPolicy } from "../../../emulators/delivery-engine.js";
import { brackenBytes, brackenDedupeKey, brackenHeaders } from "../outbound.js";
import { type BrackenEvent, type BrackenUser, brackenSampleBody } from "../samples.js";

/** One merge-webhook subscription: at most one per (domain, event) — the merge replaces it. */
export interface BrackenSubscription {
  readonly event: BrackenEvent;
  target: string;
  secret: string;
  active: boolean;
  readonly createdAt: Date;
  updatedAt: Date;
}

/** The state of the one Bracken domain the emulator's credentials belong to. */
export class BrackenDomain {
  readonly subscriptions = new Map<BrackenEvent, BrackenSubscription>();
  /** Users by lower-cased username (ASP.NET Identity compares normalised user names). */
  readonly users = new Map<string, BrackenUser>();

  constructor(
    readonly domainKey: number,
    private readonly engine: DeliveryEngine,
    private readonly policy: RetryPolicy,
    private readonly now: () => Date,
  ) {}

  /** Create-or-update ("merge"): returns the subscription and whether it is new. */
  merge(event: BrackenEvent, target: string, secret: string, active: boolean): BrackenSubscription {
    const existing = this.subscriptions.get(event);
    const at = this.now();
    if (existing) {
      existing.target = target;
      existing.secret = secret;
      existing.active = active;
      existing.updatedAt = at;
      return existing;
    }
    const created: BrackenSubscription = { event, target, secret, active, createdAt: at, updatedAt: at };
    this.subscriptions.set(event, created);
    return created;
  }

  findUser(username: string): BrackenUser | undefined {
    return this.users.get(username.toLowerCase());
  }

  addUser(username: string): BrackenUser {
    const user: BrackenUser = { userKey: this.#nextUserKey(), username };
    this.users.set(username.toLowerCase(), user);
    return user;
  }

  removeUser(user: BrackenUser): void {
    this.users.delete(user.username.toLowerCase());
  }

  /**
   * Sends `event` to the domain's active subscription, if any. The body is built and signed once:
   * every retry repeats the same bytes (Bracken's retry behaviour is unknown; repeating the
   * delivery unchanged is what a receiver deduping on the body hash expects).
   */
  emit(event: BrackenEvent, user: BrackenUser): Promise<AttemptRecord> | undefined {
    const subscription = this.subscriptions.get(event);
    if (!subscription?.active) return undefined;
    const body = brackenBytes(brackenSampleBody(event, { at: this.now(), domainKey: this.domainKey, user }));
    const headers = brackenHeaders(body, subscription.secret);
    const first = this.engine.start({
      url: subscription.target,
      event,
      policy: this.policy,
      build: () => ({ headers, body, eventId: brackenDedupeKey(body) }),
    });
    first.catch(() => undefined);
    return first;
  }

  #nextUserKey(): number {
    const used = new Set([...this.users.values()].map((user) => user.userKey));
    let key = randomInt(10_000, 99_999);
    while (used.has(key)) key += 1;
    return key;
  }
}
