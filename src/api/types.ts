import type { StateFile } from "../adapters/state.js";
import type { ProviderId } from "../core/provider-id.js";

/** What a provider API client may touch: injected, like Context. */
export interface ApiContext {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  now(): Date;
  /** `.whtool/state.json`: secrets to remember for listen/verify. */
  readonly state: StateFile;
  /** Progress for humans (stderr; silent with --json). */
  say(line: string): void;
}

/** `whtool register` flags; each provider reads the ones that apply to it and refuses missing ones (exit 2). */
export interface RegisterInput {
  /** The webhook target URL. */
  readonly url?: string;
  /** MoneyKit: the link whose webhook to set. */
  readonly link?: string;
  /** MoneyKit: create a link session with this webhook instead. */
  readonly newLink?: boolean;
  /** Dfns: update this webhook rather than finding one by URL. */
  readonly webhookId?: string;
  /** Dfns event kinds, Bracken events, Kopo Kopo event types, PointServices topics. */
  readonly events?: readonly string[];
  /** Bracken: the subscription secret to set (a strong one is generated otherwise). */
  readonly secret?: string;
  /** Kopo Kopo: read a subscription back from its Location instead of creating one. */
  readonly status?: string;
  /** Kopo Kopo: till or company scope, and the till number for till scope. */
  readonly scope?: string;
  readonly till?: string;
  /** PointServices: the tenant id to give the account representative. */
  readonly tenant?: string;
}

export interface RegisterOutcome {
  readonly provider: ProviderId;
  readonly action: "created" | "updated" | "read" | "instructions";
  /** The provider's id for what was registered (Dfns wh-…, Kopo Kopo Location, MoneyKit link…). */
  readonly id: string | null;
  readonly url: string | null;
  /** Whether a webhook secret was saved to the state file for listen/verify. */
  readonly secretSaved: boolean;
  /** Human lines: what happened and what to do next. Never contains a secret. */
  readonly message: string;
  readonly details: Readonly<Record<string, unknown>>;
}

/** `whtool trigger` input; `name` is the trigger (an event name, `ping`, `refresh`, `user-create`…). */
export interface TriggerInput {
  readonly name: string;
  readonly link?: string;
  readonly products?: readonly string[];
  readonly webhookId?: string;
  readonly yes?: boolean;
  readonly till?: string;
  readonly amount?: string;
  readonly username?: string;
  /** PointServices: the address the test webhook is posted to. */
  readonly to?: string;
}

export interface TriggerOutcome {
  readonly provider: ProviderId;
  readonly trigger: string;
  /** Human lines: what was asked of the provider and what to expect. */
  readonly message: string;
  readonly details: Readonly<Record<string, unknown>>;
}

/** What `whtool unregister` names: the webhook's URL, or the provider's own id for it. */
export interface RemoveTarget {
  readonly url?: string;
  /** Dfns webhook id (wh-…), MoneyKit link id. */
  readonly webhookId?: string;
  /** Bracken: which event subscriptions of the URL (default: those whtool registered). */
  readonly events?: readonly string[];
}

export interface RemoveOutcome {
  readonly provider: ProviderId;
  readonly removed: readonly { readonly id: string | null; readonly url: string | null }[];
  /** Human lines: what was removed, or what to do where the provider has no API for it. */
  readonly message: string;
}

export interface ProviderApi {
  /** Trigger names accepted, each with a one-line description for --help and errors. */
  readonly triggers: Readonly<Record<string, string>>;
  /** What `smoke` and `demo` trigger when no event is named. */
  readonly defaultTrigger: string;
  register(input: RegisterInput, ctx: ApiContext): Promise<RegisterOutcome>;
  trigger(input: TriggerInput, ctx: ApiContext): Promise<TriggerOutcome>;
  /** Undoes a registration (smoke cleans up after itself); absent where the provider has no way. */
  unregister?(outcome: RegisterOutcome, ctx: ApiContext): Promise<void>;
  /** `whtool unregister`: removes what a URL or id names (each provider says what it cannot do). */
  remove(target: RemoveTarget, ctx: ApiContext): Promise<RemoveOutcome>;
  /** Whether `remove` can find its target with neither --url nor --webhook-id (from the environment). */
  readonly removeTargetOptional: boolean;
  /**
   * What `smoke`, `demo` and `listen --register` trigger after `register`: exactly what was
   * registered (a link, a webhook), or the listener's own URL where the provider posts to one.
   */
  loopTrigger(name: string, registered: RegisterOutcome, webhookUrl: string): TriggerInput;
}
