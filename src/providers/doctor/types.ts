/** A credential and where it came from; the source is all that is ever shown. */
export interface NamedSecret {
  /** e.g. "DFNS_WEBHOOK_SECRET", "--secret", "state.json: bracken subscription … for …". */
  readonly source: string;
  readonly secret: string;
}

import type { KeyStore } from "../../core/keys.js";
import type { TrustedIssuer } from "../types.js";

export interface DoctorInput {
  /** The instant the verdict was judged at. */
  readonly at: Date;
  /** The secrets verification used, in the order it tried them. */
  readonly secrets: readonly NamedSecret[];
  /** Every other credential whtool can see (other providers' variables, other saved secrets). */
  readonly candidates: readonly NamedSecret[];
  /** PointServices: the trusted issuer entries verification used. */
  readonly trustedIssuers?: readonly TrustedIssuer[];
  /** JWT providers: the key store verification used, asked for a fresh key set on an unknown kid. */
  readonly keys?: KeyStore;
}

/** At most a few dozen HMACs per failed delivery: a flood of forgeries must not stall `listen`. */
export const DOCTOR_HMAC_BUDGET = 48;

/** Counts HMAC (and hash) computations; a share caps one probe without starving the others. */
export class HmacBudget {
  #left: number;
  spent = 0;

  constructor(
    limit: number,
    private readonly parent?: HmacBudget,
  ) {
    this.#left = limit;
  }

  /** True when one more computation is allowed (and counts it). */
  take(): boolean {
    if (this.#left <= 0) return false;
    if (this.parent && !this.parent.take()) return false;
    this.#left--;
    this.spent++;
    return true;
  }

  /** Whether take() could still succeed: lets a probe stop building forms nobody will check. */
  available(): boolean {
    return this.#left > 0 && (this.parent?.available() ?? true);
  }

  share(cap: number): HmacBudget {
    return new HmacBudget(cap, this);
  }
}
