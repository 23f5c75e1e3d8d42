// Realistic Dfns webhook event `data`, kept as data. providers.md (Dfns) gives the family of each kind:
// {transferRequest}, {transactionRequest}, {signatureRequest}, {wallet}, {blockchainEvent},
// {policyEvaluation}, {approval}. The object shapes follow the @dfns/sdk 0.8.3 response types
// (GetTransferResponse, GetTransactionResponse, GetSignatureResponse, GetWalletResponse, GetKeyResponse,
// GetOfferResponse, GetApprovalResponse). providers.md names no family for `wallet.offer.*` and `key.*`:
// they carry {offer} and {key} here (the SDK's offer and key objects) — inferred.
import { randomBytes } from "node:crypto";
import { DFNS_EVENTS } from "./info.js";

/** The kind of the event Ping Webhook sends; its payload shape is unknown (providers.md): an ordinary event. */
export const DFNS_PING_KIND = "ping";

/** Every kind there is a sample for: the subscribable kinds plus ping. */
export const DFNS_SAMPLE_KINDS: readonly string[] = [...DFNS_EVENTS, DFNS_PING_KIND];

const ID_ALPHABET = "0123456789abcdefghijklmnopqrstuv";

/** A Dfns-format id, e.g. `wa-39abb-e9kpk-8hr9ts06jchd2opc` (prefix, 5, 5 and 16 base-32 characters). */
export function dfnsId(prefix: string): string {
  const bytes = randomBytes(26);
  const chars = [...bytes].map((b) => ID_ALPHABET[b % 32] ?? "0").join("");
  return `${prefix}-${chars.slice(0, 5)}-${chars.slice(5, 10)}-${chars.slice(10, 26)}`;
}

/** Everything random or time-dependent in a sample, injected by the caller. */
export interface DfnsSampleContext {
  /** When the event happened (the emulator's clock). */
  readonly at: Date;
  /** Makes an id for a prefix (`wa`, `xfr`, …); `dfnsId` by default. */
  readonly newId?: (prefix: string) => string;
}

type Data = Record<string, unknown>;

const MINUTE = 60_000;
const iso = (at: Date, minutesBefore = 0) => new Date(at.getTime() - minutesBefore * MINUTE).toISOString();

const NETWORK = "EthereumSepolia";
const FROM = "0x2f6e1b4b5a13c9a0e6f1a7de3c4b8e5d9a0c1f27";
const TO = "0xb282dc7cde21717f18337a596e91ded00b79b25f";
const TX_HASH = "0x8c2f7a1d0e5b9c3f4a6d8e0b2c4f6a8d0e2b4c6f8a0d2e4b6c8f0a2d4e6b8c0f";
const PUBLIC_KEY = "0375a9d5c8f0e3b2a1d4c6e8f0b2d4a6c8e0f2b4d6a8c0e2f4b6d8a0c2e4f6b8d0";
const ETH = { symbol: "ETH", decimals: 18, verified: true, quotes: { USD: 3412.57 } };

interface Ids {
  readonly org: string;
  readonly user: string;
  readonly token: string;
  readonly app: string;
  readonly wallet: string;
  readonly key: string;
  readonly transfer: string;
  readonly transaction: string;
  readonly signature: string;
  readonly approval: string;
  readonly policy: string;
  readonly offer: string;
  readonly endUser: string;
}

function makeIds(newId: (prefix: string) => string): Ids {
  return {
    org: newId("or"),
    user: newId("us"),
    token: newId("to"),
    app: newId("ap"),
    wallet: newId("wa"),
    key: newId("key"),
    transfer: newId("xfr"),
    transaction: newId("tx"),
    signature: newId("sig"),
    approval: newId("ap"),
    policy: newId("plc"),
    offer: newId("of"),
    endUser: newId("us"),
  };
}

const requester = (ids: Ids) => ({ userId: ids.user, tokenId: ids.token, appId: ids.app });

/** The request status a lifecycle step leaves behind, with the fields that step adds. */
function lifecycle(step: string, at: Date): Data {
  switch (step) {
    case "requested":
      return { status: "Pending", dateRequested: iso(at) };
    case "failed":
      return {
        status: "Failed",
        reason: "Insufficient funds to pay network fees",
        dateRequested: iso(at, 1),
      };
    case "rejected":
      return {
        status: "Rejected",
        reason: "Rejected by policy approval",
        dateRequested: iso(at, 30),
        datePolicyResolved: iso(at),
      };
    case "broadcasted":
      return { status: "Broadcasted", txHash: TX_HASH, dateRequested: iso(at, 1), dateBroadcasted: iso(at) };
    case "confirmed":
      return {
        status: "Confirmed",
        txHash: TX_HASH,
        fee: "21000000000000",
        dateRequested: iso(at, 3),
        dateBroadcasted: iso(at, 2),
        dateConfirmed: iso(at),
      };
    case "signed":
      return { status: "Signed", dateRequested: iso(at, 1), dateSigned: iso(at) };
    default:
      throw new Error(`no Dfns request step "${step}"`);
  }
}

function transferRequest(ids: Ids, step: string, at: Date): Data {
  return {
    id: ids.transfer,
    walletId: ids.wallet,
    network: NETWORK,
    requester: requester(ids),
    requestBody: { kind: "Native", to: TO, amount: "1000000000000000", externalId: "payout-2026-0042" },
    metadata: { asset: ETH },
    ...lifecycle(step, at),
    externalId: "payout-2026-0042",
  };
}

function transactionRequest(ids: Ids, step: string, at: Date): Data {
  return {
    id: ids.transaction,
    walletId: ids.wallet,
    network: NETWORK,
    requester: requester(ids),
    requestBody: {
      kind: "Transaction",
      transaction:
        "0x02f86f83aa36a7808459682f008459682f0e82520894b282dc7cde21717f18337a596e91ded00b79b25f87038d7ea4c6800080c0",
    },
    ...lifecycle(step, at),
  };
}

function signatureRequest(ids: Ids, step: string, at: Date): Data {
  const signed =
    step === "signed"
      ? {
          signature: {
            r: "0x5d1e2c8a7b3f9e0d4c6a8b2e1f3d5c7a9b0e2d4f6a8c0b1d3e5f7a9c0b2d4e6f",
            s: "0x1b3d5f7a9c0e2d4b6f8a0c1e3d5b7f9a0c2e4d6b8f0a1c3e5d7b9f0a2c4e6d8b",
            recid: 1,
            encoded:
              "0x304402205d1e2c8a7b3f9e0d4c6a8b2e1f3d5c7a9b0e2d4f6a8c0b1d3e5f7a9c0b2d4e6f02201b3d5f7a9c0e2d4b6f8a0c1e3d5b7f9a0c2e4d6b8f0a1c3e5d7b9f0a2c4e6d8b",
          },
        }
      : {};
  return {
    id: ids.signature,
    keyId: ids.key,
    requester: requester(ids),
    requestBody: { kind: "Hash", hash: "0x031edd7d41651593c5fe5c006fa5752b37fddff7bc4e843aa6af0c950f4b9406" },
    network: NETWORK,
    ...lifecycle(step, at),
    ...signed,
  };
}

function signingKey(ids: Ids, delegatedTo?: string): Data {
  return {
    id: ids.key,
    scheme: "ECDSA",
    curve: "secp256k1",
    publicKey: PUBLIC_KEY,
    ...(delegatedTo === undefined ? {} : { delegatedTo }),
  };
}

function wallet(ids: Ids, step: string, at: Date): Data {
  return {
    id: ids.wallet,
    network: NETWORK,
    address: FROM,
    signingKey: signingKey(ids, step === "delegated" ? ids.endUser : undefined),
    status: "Active",
    dateCreated: iso(at, step === "created" ? 0 : 60 * 24),
    name: "Treasury hot wallet",
    custodial: step !== "delegated",
    externalId: "treasury-eth-01",
    tags: step === "tags.modified" ? ["treasury", "payouts", "tier:hot"] : ["treasury"],
  };
}

function key(ids: Ids, step: string, at: Date): Data {
  return {
    id: ids.key,
    scheme: "ECDSA",
    curve: "secp256k1",
    publicKey: PUBLIC_KEY,
    name: "Treasury signing key",
    status: step === "deleted" ? "Archived" : "Active",
    custodial: step !== "delegated",
    dateCreated: iso(at, step === "created" ? 0 : 60 * 24),
    ...(step === "exported" ? { exported: true, dateExported: iso(at) } : {}),
    ...(step === "deleted" ? { dateDeleted: iso(at) } : {}),
    ...(step === "delegated" ? { delegatedTo: ids.endUser } : {}),
    wallets: [{ id: ids.wallet, network: NETWORK }],
    store: { id: ids.key.replace(/^key-/, "ks-"), kind: "Mpc", keyId: ids.key },
  };
}

function blockchainEvent(ids: Ids, at: Date): Data {
  return {
    kind: "NativeTransfer",
    walletId: ids.wallet,
    direction: "In",
    network: NETWORK,
    blockNumber: 7_214_382,
    txHash: TX_HASH,
    index: "0",
    timestamp: iso(at, 1),
    value: "250000000000000000",
    fee: "21000000000000",
    from: TO,
    to: FROM,
    verified: true,
    metadata: { asset: ETH, fee: ETH },
  };
}

function offer(ids: Ids, step: string, at: Date): Data {
  const status = { received: "Pending", accepted: "Accepted", rejected: "Rejected" }[step] ?? "Pending";
  const party = "dfns-validator::1220c6f0e3b2a1d4c6e8f0b2d4a6c8e0f2b4d6a8c0e2f4b6d8a0c2e4f6b8d0a1c3";
  return {
    id: ids.offer,
    orgId: ids.org,
    walletId: ids.wallet,
    network: "CantonTestnet",
    kind: "Native",
    metadata: { asset: { symbol: "CC", decimals: 10, verified: true } },
    txHash: "1220a4f7c2e9b0d3f5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1a3c5e7b9d1f3",
    status,
    from: party.replace("dfns-validator", "counterparty"),
    to: party,
    value: "5000000000000",
    timestamp: iso(at, step === "received" ? 0 : 5),
    expiresAt: iso(at, -60 * 24),
    ...(step === "accepted" ? { settlementTransactionId: ids.transaction, dateSettled: iso(at) } : {}),
  };
}

function approval(ids: Ids, step: string, at: Date): Data {
  const resolved = step === "approval.resolved";
  return {
    id: ids.approval,
    initiatorId: ids.user,
    activity: {
      kind: "Wallets:Sign",
      transferRequest: transferRequest(ids, "requested", new Date(at.getTime() - 10 * MINUTE)),
    },
    status: resolved ? "Approved" : "Pending",
    expirationDate: iso(at, -60 * 24),
    dateCreated: iso(at, resolved ? 10 : 0),
    dateUpdated: iso(at),
    ...(resolved ? { dateResolved: iso(at) } : {}),
    policyEvaluations: [
      { policyId: ids.policy, triggered: true, reason: "Transfer amount exceeds 0.0005 ETH" },
    ],
    decisions: resolved
      ? [{ userId: ids.endUser, date: iso(at), reason: "Payout checked", value: "Approved" }]
      : [],
  };
}

function policyEvaluation(ids: Ids, at: Date): Data {
  return {
    policyId: ids.policy,
    policyName: "Transfers above 0.0005 ETH need one approval",
    activityKind: "Wallets:Sign",
    activityId: ids.transfer,
    triggered: true,
    reason: "Transfer amount exceeds 0.0005 ETH",
    rule: { kind: "TransactionAmountLimit", configuration: { limit: "500000000000000", currency: "ETH" } },
    action: { kind: "RequestApproval", approvalId: ids.approval },
    date: iso(at),
  };
}

/** The `data` of a Dfns event of `kind` (throws for a kind Dfns does not send). */
export function dfnsSampleData(kind: string, context: DfnsSampleContext): Data {
  const ids = makeIds(context.newId ?? dfnsId);
  const at = context.at;
  if (kind === DFNS_PING_KIND)
    return { message: "Ping from Dfns: this test event is not stored and is never retried." };
  if (!DFNS_EVENTS.includes(kind)) throw new Error(`Dfns sends no event of kind "${kind}"`);
  const [family, ...rest] = kind.split(".");
  const step = rest.slice(1).join(".");
  if (family === "policy")
    return kind === "policy.triggered"
      ? { policyEvaluation: policyEvaluation(ids, at) }
      : { approval: approval(ids, rest.join("."), at) };
  if (family === "key") return { key: key(ids, rest.join("."), at) };
  const group = rest[0];
  if (group === "transfer") return { transferRequest: transferRequest(ids, step, at) };
  if (group === "transaction") return { transactionRequest: transactionRequest(ids, step, at) };
  if (group === "signature") return { signatureRequest: signatureRequest(ids, step, at) };
  if (group === "offer") return { offer: offer(ids, step, at) };
  if (kind === "wallet.blockchainevent.detected") return { blockchainEvent: blockchainEvent(ids, at) };
  return { wallet: wallet(ids, rest.join("."), at) };
}
