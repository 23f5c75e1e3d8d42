import { randomUUID } from "node:crypto";
import { isRecord } from "../../../core/json-body.js";
import { mpesaReference } from "../samples.js";
import type { AsyncRequestKind } from "./async-requests.js";
import type { KopoKopoCompany } from "./company.js";
import { apiError } from "./errors.js";
import {
  callbackUrl,
  kesAmount,
  kopokopoAmount,
  network,
  optionalText,
  phoneNumber,
  requiredText,
} from "./fields.js";
import { nairobiTimeMs } from "./time.js";

/**
 * Settlement transfers (k2-connect-node TransferService; developer guide "Transfer money / settle"):
 * - `POST /api/v1/merchant_wallets` `{first_name,last_name,phone_number,network}` and
 *   `POST /api/v1/merchant_bank_accounts` `{account_name,bank_branch_ref,account_number,settlement_method}`
 *   → 201 + Location; `GET` → `{"data":{"type":"merchant_bank_account","attributes":{status,
 *   account_reference,…}}}` (guide "View destination reference"; the wallet's shape is inferred from it).
 * - `POST /api/v1/settlement_transfers` `{amount?, destination_type?, destination_reference?,
 *   _links:{callback_url}}` → 201 + Location; the result `{"data":{"type":"settlement_transfer",
 *   "attributes":{status,created_at,amount,transfer_batches,_links}}}` (guide "Check the status of your
 *   transfer") is served there and posted to the callback. Without a destination it is a "blind"
 *   transfer to the default settlement account (amount value null, as in the guide); without an amount
 *   it settles the till balance (the emulator: every buy-goods payment received so far).
 */

type AccountType = "merchant_wallet" | "merchant_bank_account";

const ACCOUNT_LABELS: Record<AccountType, string> = {
  merchant_wallet: "Mobile Wallet",
  merchant_bank_account: "Bank Account",
};

interface SettlementAccount {
  readonly type: AccountType;
  readonly reference: string;
  readonly attributes: Record<string, unknown>;
}

interface SettlementRequest {
  /** null: the default settlement account (a blind transfer). */
  readonly destination: { readonly id: string; readonly type: AccountType } | null;
  readonly value: number | null;
  readonly callbackUrl: string;
  readonly at: Date;
}

/** The three transfer requests; a transfer may go to the accounts the first two create. */
export function transferKinds(
  company: KopoKopoCompany,
  now: () => Date,
): [
  AsyncRequestKind<SettlementAccount>,
  AsyncRequestKind<SettlementAccount>,
  AsyncRequestKind<SettlementRequest>,
] {
  const accounts = new Map<string, SettlementAccount>();
  const defaultAccount = randomUUID();

  const accountKind = (
    type: AccountType,
    collection: string,
    parse: (body: Record<string, unknown>) => Record<string, unknown>,
  ): AsyncRequestKind<SettlementAccount> => ({
    collection,
    notFound: "Settlement account not found",
    parse: (body) => ({ type, reference: randomUUID(), attributes: parse(body) }),
    resource(account, id) {
      accounts.set(id, account);
      const attributes = { status: "Approved", account_reference: account.reference, ...account.attributes };
      return { type, body: { data: { id, type, attributes } }, callbackUrl: null };
    },
  });

  const wallet = accountKind("merchant_wallet", "merchant_wallets", (body) => ({
    first_name: requiredText(body, "first_name", "First name"),
    last_name: requiredText(body, "last_name", "Last name"),
    phone_number: phoneNumber(body, "phone_number", "Phone number"),
    network: network(body),
  }));
  const bank = accountKind("merchant_bank_account", "merchant_bank_accounts", (body) => {
    const method = requiredText(body, "settlement_method", "Settlement method");
    if (method !== "EFT" && method !== "RTS") throw apiError(400, "Settlement method must be EFT or RTS");
    return {
      bank_branch_ref: requiredText(body, "bank_branch_ref", "Bank branch ref"),
      account_name: requiredText(body, "account_name", "Account name"),
      account_number: requiredText(body, "account_number", "Account number"),
      settlement_method: method,
    };
  });

  const settlement: AsyncRequestKind<SettlementRequest> = {
    collection: "settlement_transfers",
    notFound: "Settlement transfer not found",
    parse(body) {
      const type = optionalText(body, "destination_type");
      const reference = optionalText(body, "destination_reference");
      let destination: SettlementRequest["destination"] = null;
      if (type !== null || reference !== null) {
        if (type !== "merchant_wallet" && type !== "merchant_bank_account")
          throw apiError(400, "Destination type must be one of merchant_wallet, merchant_bank_account");
        if (reference === null) throw apiError(400, "Destination reference can't be blank");
        const found = [...accounts.entries()].find(
          ([id, a]) => id === reference || a.reference === reference,
        );
        if (!found || found[1].type !== type)
          throw apiError(400, `Destination reference ${reference} is not a ${type} of this company`);
        destination = { id: found[0], type };
      }
      // k2-connect-node sends `"amount":{}` when none is given: that is no amount, not a bad one.
      const given = isRecord(body.amount)
        ? body.amount.value !== undefined && body.amount.value !== null
        : false;
      const value = given ? kesAmount(body.amount).value : null;
      return { destination, value, callbackUrl: callbackUrl(body), at: now() };
    },
    resource(request, id, self) {
      const settled = request.value ?? tillBalance(company);
      const attributes = {
        status: "Processed",
        created_at: nairobiTimeMs(request.at),
        amount: { currency: "KES", value: request.value },
        transfer_batches: [
          {
            status: "Transferred",
            disbursements: [
              {
                amount: kopokopoAmount(settled),
                status: "Transferred",
                destination_type: ACCOUNT_LABELS[request.destination?.type ?? "merchant_bank_account"],
                origination_time: nairobiTimeMs(request.at),
                destination_reference: request.destination?.id ?? defaultAccount,
                // The guide's bank disbursements carry none; M-PESA ones carry the receipt number.
                transaction_reference:
                  request.destination?.type === "merchant_wallet" ? mpesaReference() : null,
              },
            ],
          },
        ],
        _links: { callback_url: request.callbackUrl, self },
      };
      return {
        type: "settlement_transfer",
        body: { data: { id, type: "settlement_transfer", attributes } },
        callbackUrl: request.callbackUrl,
      };
    },
  };
  return [wallet, bank, settlement];
}

/** The emulated till balance: every buy-goods payment the company received. */
function tillBalance(company: KopoKopoCompany): number {
  let total = 0;
  for (const event of company.events.values())
    if (event.topic === "buygoods_transaction_received") total += Number(event.event.resource.amount) || 0;
  return total;
}
