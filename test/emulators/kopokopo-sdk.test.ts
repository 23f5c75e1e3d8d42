// The Kopo Kopo emulator driven by the official SDK (k2-connect-node 1.3.0): every call the SDK makes
// is sent by the SDK itself, against the emulator's URL, and each asynchronous result posted to a real
// loopback receiver is checked twice — by whtool's own verifier and by the SDK's Webhooks.webhookHandler.
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { before, describe, it } from "node:test";
import { headerValue } from "../../src/core/delivery.js";
import type { RunningEmulator } from "../../src/emulators/types.js";
import { PROVIDERS } from "../../src/providers/index.js";
import { startKopoKopoEmulator } from "../../src/providers/kopokopo/emulator.js";
import { envOf, track } from "../helpers/api.js";
import { type Received, type Receiver, startReceiver } from "../helpers/receiver.js";

// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON bodies
type Json = any;

// The SDK is CommonJS without types: the slice of its surface these tests use.
type Call = (opts: Record<string, unknown>) => Promise<Json>;
type Create = (opts: Record<string, unknown>) => Promise<string>;
interface K2Sdk {
  TokenService: {
    getToken(): Promise<{ access_token: string; token_type: string; expires_in: number }>;
    infoToken: Call;
    introspectToken: Call;
    revokeToken: Call;
  };
  Webhooks: {
    subscribe: Create;
    webhookHandler(req: unknown, res: unknown): Promise<unknown>;
  };
  StkService: { initiateIncomingPayment: Create; getStatus: Call };
  PayService: { addPayRecipient: Create; sendPay: Create; getStatus: Call };
  TransferService: {
    createMerchantWallet: Create;
    createMerchantBankAccount: Create;
    settleFunds: Create;
    getStatus: Call;
  };
  PollingService: { pollTransactions: Create; getStatus: Call };
  SmsNotificationService: { sendTransactionSmsNotification: Create; getStatus: Call };
}
const K2 = createRequire(import.meta.url)("k2-connect-node") as (options: Record<string, string>) => K2Sdk;

const FAST = 0.0001;
let emu: RunningEmulator;
let sdk: K2Sdk;
let accessToken: string;
let apiKey: string;
/** A callback URL for requests whose result a test does not read. (The SDK's URL check wants a 2-5 digit port.) */
let sink: Receiver;

before(async () => {
  emu = track(await startKopoKopoEmulator({ timeScale: FAST }));
  apiKey = envOf(emu, "KOPOKOPO_API_KEY");
  sdk = K2({
    clientId: envOf(emu, "KOPOKOPO_CLIENT_ID"),
    clientSecret: envOf(emu, "KOPOKOPO_CLIENT_SECRET"),
    apiKey,
    baseUrl: emu.url,
  });
  accessToken = (await sdk.TokenService.getToken()).access_token;
  sink = await receiver();
});

async function receiver(statuses?: readonly number[]): Promise<Receiver> {
  return track(await startReceiver(statuses));
}

const json = (delivery: Received): Json => JSON.parse(Buffer.from(delivery.body).toString("utf8"));

/** The SDK's own webhook check, fed the delivery as an Express request/response pair would carry it. */
async function sdkAccepts(delivery: Received): Promise<number> {
  let status = 0;
  const req = { body: json(delivery), get: (name: string) => headerValue(delivery.headers, name) };
  const res = {
    status(code: number) {
      status = code;
      return res;
    },
    json: () => undefined,
  };
  await sdk.Webhooks.webhookHandler(req, res).catch(() => undefined);
  return status;
}

/** A signed result: whtool verifies it, the SDK accepts it (200), and its self link is the Location. */
async function assertSignedResult(delivery: Received, location: string, type: string): Promise<Json> {
  const verdict = await PROVIDERS.kopokopo.verify(delivery, { at: delivery.receivedAt, secrets: [apiKey] });
  assert.equal(verdict.verified, true, verdict.reason ?? "");
  assert.equal(await sdkAccepts(delivery), 200, "k2-connect-node's webhookHandler accepts the signature");
  const body = json(delivery);
  assert.equal(body.data.type, type);
  assert.equal(body.data.attributes._links.self, location);
  return body;
}

/** The status resource at a Location, read by the SDK (every service's getStatus is the same GET). */
const statusAt = (location: string): Promise<Json> => sdk.PayService.getStatus({ location, accessToken });

async function rejection(promise: Promise<unknown>): Promise<Json> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail("expected the SDK call to fail");
}

const locationOf = (collection: string) => new RegExp(`^${emu.url}/api/v1/${collection}/[0-9a-f-]{36}$`);

describe("kopokopo emulator via k2-connect-node: TokenService", () => {
  it("infoToken describes the SDK's token (Doorkeeper token info)", async () => {
    const info: Json = await sdk.TokenService.infoToken({ accessToken });
    assert.equal(info.application.uid, envOf(emu, "KOPOKOPO_CLIENT_ID"));
    assert.ok(info.expires_in > 3590 && info.expires_in <= 3600, String(info.expires_in));
    assert.ok(Math.abs(info.created_at - Date.now() / 1000) < 5);
  });

  it("introspectToken succeeds; the emulator answers RFC 7662 (the SDK itself resolves undefined)", async () => {
    // k2-connect-node resolves `response.body`, which axios never sets: the SDK hands back undefined
    // even though the server answered. The answer is read directly to check what it says.
    assert.equal(await sdk.TokenService.introspectToken({ accessToken }), undefined);
    const res = await fetch(`${emu.url}/oauth/introspect`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        client_id: envOf(emu, "KOPOKOPO_CLIENT_ID"),
        client_secret: envOf(emu, "KOPOKOPO_CLIENT_SECRET"),
        token: accessToken,
      }),
    });
    assert.equal(res.status, 200);
    const body = (await res.json()) as Json;
    assert.equal(body.active, true);
    assert.equal(body.client_id, envOf(emu, "KOPOKOPO_CLIENT_ID"));
    assert.equal(body.token_type, "Bearer");
    assert.equal(body.exp - body.iat, 3600);
  });

  it("introspect and revoke refuse a client that does not authenticate (401 invalid_client)", async () => {
    for (const path of ["/oauth/introspect", "/oauth/revoke"]) {
      const res = await fetch(`${emu.url}${path}`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({
          client_id: envOf(emu, "KOPOKOPO_CLIENT_ID"),
          client_secret: "wrong",
          token: accessToken,
        }).toString(),
      });
      assert.equal(res.status, 401, path);
      assert.equal(((await res.json()) as Json).error, "invalid_client");
    }
  });

  it("revokeToken revokes: the token is then inactive and every call with it gets 401", async () => {
    const { access_token: doomed } = await sdk.TokenService.getToken();
    assert.ok((await sdk.TokenService.infoToken({ accessToken: doomed })) !== undefined);
    await sdk.TokenService.revokeToken({ accessToken: doomed });
    // The SDK turns a 401 into the string 'Unauthorized'.
    assert.equal(await rejection(sdk.TokenService.infoToken({ accessToken: doomed })), "Unauthorized");
    assert.equal(
      await rejection(
        sdk.PollingService.pollTransactions({
          scope: "company",
          fromTime: new Date(0).toISOString(),
          toTime: new Date().toISOString(),
          callbackUrl: sink.url,
          accessToken: doomed,
        }),
      ),
      "Unauthorized",
    );
    const res = await fetch(`${emu.url}/oauth/token/info`, {
      headers: { authorization: `Bearer ${doomed}` },
    });
    assert.equal(res.status, 401);
    assert.deepEqual(await res.json(), {
      error: "invalid_token",
      error_description: "The access token was revoked",
    });
    const introspected = await fetch(`${emu.url}/oauth/introspect`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        client_id: envOf(emu, "KOPOKOPO_CLIENT_ID"),
        client_secret: envOf(emu, "KOPOKOPO_CLIENT_SECRET"),
        token: doomed,
      }).toString(),
    });
    assert.deepEqual(await introspected.json(), { active: false });
    // Other tokens are untouched.
    assert.ok((await sdk.TokenService.infoToken({ accessToken })) !== undefined);
  });
});

describe("kopokopo emulator via k2-connect-node: PayService", () => {
  const wallet = {
    type: "mobile_wallet",
    firstName: "John",
    lastName: "Doe",
    email: "johndoe@example.com",
    phoneNumber: "+254999999999",
    network: "Safaricom",
  };

  it("addPayRecipient returns the Location of an approved recipient, for each recipient type", async () => {
    const location = await sdk.PayService.addPayRecipient({ ...wallet, accessToken });
    assert.match(location, locationOf("pay_recipients"));
    const { data } = await statusAt(location);
    assert.equal(data.type, "pay_recipient");
    assert.equal(location.endsWith(data.id), true);
    assert.equal(data.attributes.recipient_type, "Mobile Wallet");
    assert.equal(data.attributes.status, "Approved");
    assert.deepEqual(
      [data.attributes.first_name, data.attributes.phone_number, data.attributes.network],
      ["John", "+254999999999", "Safaricom"],
    );
    assert.match(data.attributes.recipient_reference, /^[0-9a-f-]{36}$/);

    const others = [
      { type: "till", tillName: "Corner shop", tillNumber: "000123" },
      { type: "paybill", paybillName: "Power", paybillNumber: "888880", paybillAccountNumber: "A1" },
      {
        type: "bank_account",
        accountName: "Jane Doe",
        bankBranchRef: "9ed38155-7d6f-11e3-83c3-5404a6144203",
        accountNumber: "1234567890",
        settlementMethod: "EFT",
      },
    ];
    const labels = [];
    for (const other of others) {
      const at = await sdk.PayService.addPayRecipient({ ...other, accessToken });
      labels.push((await statusAt(at)).data.attributes.recipient_type);
    }
    assert.deepEqual(labels, ["Till", "Paybill", "Bank Account"]);
  });

  it("addPayRecipient with a bad phone number is refused in Kopo Kopo's error shape", async () => {
    const error = await rejection(
      sdk.PayService.addPayRecipient({ ...wallet, phoneNumber: "0712", accessToken }),
    );
    assert.deepEqual(error, { error_code: 400, error_message: "Phone number is an invalid number" });
  });

  it("sendPay returns a Location whose result is posted, signed, to the callback", async () => {
    const callback = await receiver();
    const recipient = (await statusAt(await sdk.PayService.addPayRecipient({ ...wallet, accessToken }))).data;
    const location = await sdk.PayService.sendPay({
      destinationType: "mobile_wallet",
      destinationReference: recipient.attributes.recipient_reference,
      amount: 20000,
      currency: "KES",
      description: "Salary payment for May",
      metadata: { customerId: "8675309", notes: "Salary payment for May" },
      callbackUrl: callback.url,
      accessToken,
    });
    assert.match(location, locationOf("payments"));

    const [delivery] = await callback.waitFor(1);
    assert.ok(delivery);
    const result = await assertSignedResult(delivery, location, "payment");
    const a = result.data.attributes;
    assert.equal(a.status, "Processed");
    assert.deepEqual(a.amount, { currency: "KES", value: 20000 });
    assert.deepEqual(a.metadata, { customerId: "8675309", notes: "Salary payment for May" });
    assert.equal(a._links.callback_url, callback.url);
    const [disbursement] = a.transfer_batches[0].disbursements;
    assert.deepEqual(
      [
        disbursement.amount,
        disbursement.status,
        disbursement.destination_type,
        disbursement.destination_reference,
      ],
      ["20000.0", "Transferred", "Mobile Wallet", recipient.id],
    );
    assert.deepEqual(await statusAt(location), result, "the status at the Location is the posted result");
  });

  it("sendPay to an unknown or mismatched recipient is a 400, and nothing is posted", async () => {
    const callback = await receiver();
    const pay = (destinationType: string, destinationReference: string) =>
      sdk.PayService.sendPay({
        destinationType,
        destinationReference,
        amount: 10,
        currency: "KES",
        description: "x",
        callbackUrl: callback.url,
        accessToken,
      });
    const unknown = await rejection(pay("mobile_wallet", "c7f300c0-f1ef-4151-9bbe-005005aa3747"));
    assert.equal(unknown.error_code, 400);
    assert.match(unknown.error_message, /is not a pay recipient/);
    const id = (await statusAt(await sdk.PayService.addPayRecipient({ ...wallet, accessToken }))).data.id;
    const mismatched = await rejection(pay("till", id));
    assert.match(mismatched.error_message, /is not a till pay recipient/);
    assert.equal(callback.received.length, 0);
  });

  it("a result callback answered 500 is retried with the same signed bytes until a 2xx", async () => {
    const callback = await receiver([500, 200]);
    const recipient = (await statusAt(await sdk.PayService.addPayRecipient({ ...wallet, accessToken }))).data;
    const location = await sdk.PayService.sendPay({
      destinationType: "mobile_wallet",
      destinationReference: recipient.id,
      amount: 50,
      currency: "KES",
      description: "retry me",
      callbackUrl: callback.url,
      accessToken,
    });
    const [first, second] = await callback.waitFor(2);
    assert.ok(first && second);
    assert.deepEqual([first.status, second.status], [500, 200]);
    assert.deepEqual(second.body, first.body, "a retry resends the same bytes");
    await assertSignedResult(second, location, "payment");
    const attempts = await emu.engine.waitFor(2, (a) => a.url === callback.url);
    assert.deepEqual(
      attempts.map((a) => [a.attempt, a.outcome]),
      [
        [1, "retry scheduled"],
        [2, "delivered"],
      ],
    );
  });
});

describe("kopokopo emulator via k2-connect-node: TransferService", () => {
  it("createMerchantWallet returns the Location of an approved settlement wallet", async () => {
    const location = await sdk.TransferService.createMerchantWallet({
      firstName: "Jane",
      lastName: "Merchant",
      phoneNumber: "+254711222333",
      network: "Safaricom",
      accessToken,
    });
    assert.match(location, locationOf("merchant_wallets"));
    const { data } = await sdk.TransferService.getStatus({ location, accessToken });
    assert.equal(data.type, "merchant_wallet");
    assert.equal(data.attributes.status, "Approved");
    assert.deepEqual(
      [data.attributes.first_name, data.attributes.phone_number, data.attributes.network],
      ["Jane", "+254711222333", "Safaricom"],
    );
    assert.match(data.attributes.account_reference, /^[0-9a-f-]{36}$/);
  });

  it("settleFunds to a merchant wallet posts the signed settlement_transfer result", async () => {
    const callback = await receiver();
    const wallet = await sdk.TransferService.getStatus({
      location: await sdk.TransferService.createMerchantWallet({
        firstName: "Jane",
        lastName: "Merchant",
        phoneNumber: "+254711222333",
        network: "Safaricom",
        accessToken,
      }),
      accessToken,
    });
    const location = await sdk.TransferService.settleFunds({
      amount: 2250,
      currency: "KES",
      destinationType: "merchant_wallet",
      destinationReference: (wallet as Json).data.attributes.account_reference,
      callbackUrl: callback.url,
      accessToken,
    });
    assert.match(location, locationOf("settlement_transfers"));
    const [delivery] = await callback.waitFor(1);
    assert.ok(delivery);
    const result = await assertSignedResult(delivery, location, "settlement_transfer");
    const a = result.data.attributes;
    assert.equal(a.status, "Processed");
    assert.deepEqual(a.amount, { currency: "KES", value: 2250 });
    const [disbursement] = a.transfer_batches[0].disbursements;
    assert.deepEqual(
      [disbursement.amount, disbursement.destination_type, disbursement.destination_reference],
      ["2250.0", "Mobile Wallet", (wallet as Json).data.id],
    );
    assert.match(disbursement.transaction_reference, /^[A-Z0-9]{10}$/);
    assert.deepEqual(await sdk.TransferService.getStatus({ location, accessToken }), result);
  });

  it("settleFunds with no destination is a blind transfer to the default account", async () => {
    const callback = await receiver();
    const location = await sdk.TransferService.settleFunds({ callbackUrl: callback.url, accessToken });
    const [delivery] = await callback.waitFor(1);
    assert.ok(delivery);
    const a = (await assertSignedResult(delivery, location, "settlement_transfer")).data.attributes;
    assert.deepEqual(a.amount, { currency: "KES", value: null });
    assert.equal(a.transfer_batches[0].disbursements[0].destination_type, "Bank Account");
  });

  it("createMerchantBankAccount gives an account settleFunds can pay out to", async () => {
    const callback = await receiver();
    const account = await sdk.TransferService.getStatus({
      location: await sdk.TransferService.createMerchantBankAccount({
        accountName: "Jane Merchant",
        bankBranchRef: "9ed38155-7d6f-11e3-83c3-5404a6144203",
        accountNumber: "1234567890",
        settlementMethod: "EFT",
        accessToken,
      }),
      accessToken,
    });
    assert.equal(account.data.type, "merchant_bank_account");
    assert.equal(account.data.attributes.settlement_method, "EFT");
    const location = await sdk.TransferService.settleFunds({
      amount: 100,
      currency: "KES",
      destinationType: "merchant_bank_account",
      destinationReference: account.data.id,
      callbackUrl: callback.url,
      accessToken,
    });
    const [delivery] = await callback.waitFor(1);
    assert.ok(delivery);
    const [disbursement] = (await assertSignedResult(delivery, location, "settlement_transfer")).data
      .attributes.transfer_batches[0].disbursements;
    assert.deepEqual(
      [disbursement.destination_type, disbursement.destination_reference, disbursement.transaction_reference],
      ["Bank Account", account.data.id, null],
    );
  });

  it("settleFunds to an account that does not exist is a 400", async () => {
    const error = await rejection(
      sdk.TransferService.settleFunds({
        amount: 10,
        currency: "KES",
        destinationType: "merchant_bank_account",
        destinationReference: "AB443D36-3757-44C1-A1B4-29727FB3111C",
        callbackUrl: sink.url,
        accessToken,
      }),
    );
    assert.equal(error.error_code, 400);
    assert.match(error.error_message, /is not a merchant_bank_account of this company/);
  });
});

describe("kopokopo emulator via k2-connect-node: PollingService and SmsNotificationService", () => {
  /** A customer pays the till by STK push (the SDK's own call); resolves with the webhook it produced. */
  async function buygoodsWebhook(): Promise<Json> {
    const hook = await receiver();
    const till = envOf(emu, "KOPOKOPO_TILL_NUMBER");
    await sdk.Webhooks.subscribe({
      eventType: "buygoods_transaction_received",
      url: hook.url,
      scope: "till",
      scopeReference: till,
      accessToken,
    });
    await sdk.StkService.initiateIncomingPayment({
      paymentChannel: "M-PESA STK Push",
      tillNumber: till,
      firstName: "Joe",
      lastName: "Buyer",
      phoneNumber: "+254799999999",
      amount: 150,
      currency: "KES",
      callbackUrl: sink.url,
      accessToken,
    });
    const [webhook] = await hook.waitFor(1);
    assert.ok(webhook);
    assert.equal(await sdkAccepts(webhook), 200);
    return json(webhook);
  }

  it("pollTransactions posts the till transactions received in the window", async () => {
    const webhook = await buygoodsWebhook();
    const callback = await receiver();
    const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
    const soon = new Date(Date.now() + 60_000).toISOString();
    const location = await sdk.PollingService.pollTransactions({
      scope: "till",
      scopeReference: envOf(emu, "KOPOKOPO_TILL_NUMBER"),
      fromTime: hourAgo,
      toTime: soon,
      callbackUrl: callback.url,
      accessToken,
    });
    assert.match(location, locationOf("polling"));
    const [delivery] = await callback.waitFor(1);
    assert.ok(delivery);
    const a = (await assertSignedResult(delivery, location, "polling")).data.attributes;
    assert.equal(a.status, "Success");
    assert.deepEqual([a.from_time, a.to_time, a.scope], [hourAgo, soon, "Till"]);
    const found = a.transactions.find((t: Json) => t.resource.id === webhook.event.resource.id);
    assert.deepEqual(found, { type: "Buygoods Transaction", resource: webhook.event.resource });

    const earlier = await sdk.PollingService.pollTransactions({
      scope: "company",
      fromTime: new Date(Date.now() - 7_200_000).toISOString(),
      toTime: hourAgo,
      callbackUrl: callback.url,
      accessToken,
    });
    const { data } = await sdk.PollingService.getStatus({ location: earlier, accessToken });
    assert.deepEqual([data.attributes.transactions, data.attributes.scope], [[], "Company"]);
  });

  it("pollTransactions with a window that ends before it starts is a 400", async () => {
    const error = await rejection(
      sdk.PollingService.pollTransactions({
        scope: "company",
        fromTime: new Date().toISOString(),
        toTime: new Date(Date.now() - 60_000).toISOString(),
        callbackUrl: sink.url,
        accessToken,
      }),
    );
    assert.deepEqual(error, { error_code: 400, error_message: "From time must be before to time" });
  });

  it("sendTransactionSmsNotification for a buy-goods webhook posts the signed result", async () => {
    const webhook = await buygoodsWebhook();
    const callback = await receiver();
    const location = await sdk.SmsNotificationService.sendTransactionSmsNotification({
      webhookEventReference: webhook.id,
      message: "Thank you for shopping with us",
      callbackUrl: callback.url,
      accessToken,
    });
    assert.match(location, locationOf("transaction_sms_notifications"));
    const [delivery] = await callback.waitFor(1);
    assert.ok(delivery);
    const result = await assertSignedResult(delivery, location, "transaction_sms_notification");
    assert.deepEqual(
      [
        result.data.attributes.status,
        result.data.attributes.message,
        result.data.attributes.webhook_event_reference,
      ],
      ["Success", "Thank you for shopping with us", webhook.id],
    );
    assert.deepEqual(await sdk.SmsNotificationService.getStatus({ location, accessToken }), result);
  });

  it("sendTransactionSmsNotification for an event that is not a buy-goods webhook is a 400", async () => {
    const error = await rejection(
      sdk.SmsNotificationService.sendTransactionSmsNotification({
        webhookEventReference: "ee9df9c4-b637-4a9d-bf49-df1af0c61387",
        message: "hello",
        callbackUrl: sink.url,
        accessToken,
      }),
    );
    assert.equal(error.error_code, 400);
    assert.match(error.error_message, /is not a buy-goods transaction webhook/);
  });
});

describe("kopokopo emulator via k2-connect-node: the SDK's webhook check is a real check", () => {
  it("webhookHandler rejects a result whose body was changed after signing", async () => {
    const callback = await receiver();
    const location = await sdk.TransferService.settleFunds({ callbackUrl: callback.url, accessToken });
    const [delivery] = await callback.waitFor(1);
    assert.ok(delivery);
    await assertSignedResult(delivery, location, "settlement_transfer");
    const tampered = {
      ...delivery,
      body: Buffer.from(Buffer.from(delivery.body).toString().replace("Processed", "Failed")),
    };
    assert.equal(await sdkAccepts(tampered), 401);
    const verdict = await PROVIDERS.kopokopo.verify(tampered, { at: tampered.receivedAt, secrets: [apiKey] });
    assert.equal(verdict.reason, "signature_mismatch");
  });
});
